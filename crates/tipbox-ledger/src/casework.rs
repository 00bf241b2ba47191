//! The reviewer's decisions on a tip that have rules beyond "set this field": categories
//! (研判), transfers (移交) and rewards (奖励). The rules keep the ledger's record straight
//! against the slips of a tired reviewer (a command run twice, a typo in a key or an
//! amount); the CLI parses, calls these, and prints what they report.

use std::path::Path;

use super::{Ledger, LedgerError, Reward, Status, Transfer};
use tipbox_core::vocab::default_categories;

/// Above any reward scheme's ceiling: a larger amount is a typo (and report totals stay far
/// from overflowing).
pub const MAX_REWARD_YUAN: u64 = 10_000_000;

/// The category key for what the reviewer typed: a key (lowercase letters, digits and
/// dashes), or the name of one of the portal's default categories in any of its languages
/// (`套路贷、非法高利放贷、暴力催收` is `loan-shark`).
pub fn category_key(given: &str) -> Result<String, LedgerError> {
    let s = given.trim();
    if let Some(c) = default_categories()
        .into_iter()
        .find(|c| c.zh_hans == s || c.zh_hant == s || c.en.eq_ignore_ascii_case(s))
    {
        return Ok(c.key);
    }
    let key = s.to_ascii_lowercase();
    let well_formed = !key.is_empty()
        && key.len() <= 40
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        return Err(LedgerError::Invalid(format!(
            "{given:?} is not a category: give a key (lowercase letters, digits, dashes), such \
             as {}, or the full name of one of these",
            default_category_keys()
        )));
    }
    Ok(key)
}

/// The portal's default category keys, for messages.
pub fn default_category_keys() -> String {
    default_categories()
        .into_iter()
        .map(|c| c.key)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether no tip of the ledger in `root` has the category `key` and it is not a default
/// one: then it is most likely a typo, which every report would count apart. The caller
/// warns rather than refuses, since a portal may define categories of its own.
pub fn category_is_new(root: &Path, key: &str) -> bool {
    let default = default_categories().iter().any(|c| c.key == key);
    !default
        && !Ledger::with_summaries(root, &|_| {}, |all, _| {
            all.iter().any(|t| t.category == key)
        })
        .unwrap_or(true)
}

/// What [`Ledger::approve_reward`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewardApproval {
    Approved,
    /// An earlier approval corrected before payment.
    Changed {
        from: u64,
    },
    /// The same amount was already approved, on that day: nothing changed.
    AlreadyApproved {
        on: String,
    },
}

impl Ledger {
    /// Whether tip `id` was already transferred to `to` on `day`: run twice by mistake (the
    /// shell's history), a transfer would be counted twice.
    fn transferred_on(&self, id: u64, to: &str, day: &str) -> Result<bool, LedgerError> {
        Ok(self
            .get(id)?
            .transfers
            .iter()
            .any(|x| x.to == to && x.day == day))
    }

    /// Record that tip `id` went to `to` on `day` (with the hand-over bundle written for it,
    /// if any), and show the reporter "transferred". The same unit on the same day is
    /// recorded once: without a bundle that is refused as a slip; with one, the bundle was
    /// written again and the record notes it.
    pub fn transfer(
        &mut self,
        id: u64,
        to: &str,
        day: &str,
        package: Option<String>,
    ) -> Result<(), LedgerError> {
        let repeated = self.transferred_on(id, to, day)?;
        if repeated && package.is_none() {
            return Err(LedgerError::Invalid(format!(
                "tip {id} was already transferred to {to} today; nothing changed (to write a \
                 hand-over bundle for it, give --recipient and --out)"
            )));
        }
        let detail = format!(
            "to {to}{}",
            match (&package, repeated) {
                (Some(_), false) => ", hand-over package written",
                (Some(_), true) => ", hand-over package written again",
                (None, _) => "",
            }
        );
        self.update(id, "transfer", &detail, |t| {
            match t
                .transfers
                .iter_mut()
                .find(|x| repeated && x.to == to && x.day == day)
            {
                Some(earlier) => earlier.package = package,
                None => t.transfers.push(Transfer {
                    to: to.to_owned(),
                    day: day.to_owned(),
                    package,
                }),
            }
            t.set_status(Status::Transferred, day);
            Ok(())
        })?;
        Ok(())
    }

    /// Approve a reward of `amount` yuan for tip `id` (a web tip: the reward is claimed with
    /// its receipt's claim token). An approval can be corrected until the reward is paid;
    /// a paid reward is final.
    pub fn approve_reward(
        &mut self,
        id: u64,
        amount: u64,
        today: &str,
    ) -> Result<RewardApproval, LedgerError> {
        if amount == 0 {
            return Err(LedgerError::Invalid(
                "give the amount in yuan: `reward TIP approve --amount N`".into(),
            ));
        }
        if amount > MAX_REWARD_YUAN {
            return Err(LedgerError::Invalid(format!(
                "{amount} yuan is more than {MAX_REWARD_YUAN}: check the amount (in yuan)"
            )));
        }
        let entry = self.claimable(id)?;
        let outcome = match &entry.reward {
            Some(r) if r.state == "paid" => {
                return Err(LedgerError::Invalid(format!(
                "the reward for tip {id} ({} yuan) was paid on {}: a paid reward is not changed",
                r.amount,
                r.paid_on.as_deref().unwrap_or("-")
            )))
            }
            Some(r) if r.amount == amount => {
                return Ok(RewardApproval::AlreadyApproved {
                    on: r.approved_on.clone(),
                })
            }
            Some(r) => RewardApproval::Changed { from: r.amount },
            None => RewardApproval::Approved,
        };
        let sealed_amount = entry
            .seal_for_reporter("amount", &amount.to_string())?
            .sealed;
        let detail = match outcome {
            RewardApproval::Changed { from } => format!("{amount} yuan (was {from} yuan)"),
            _ => format!("{amount} yuan"),
        };
        self.update(id, "reward-approve", &detail, |t| {
            t.reward = Some(Reward {
                state: "approved".into(),
                amount,
                approved_on: today.to_owned(),
                paid_on: None,
                sealed_amount,
            });
            Ok(())
        })?;
        Ok(outcome)
    }

    /// Record that the approved reward for tip `id` was paid on `today`; once only.
    pub fn mark_reward_paid(&mut self, id: u64, today: &str) -> Result<(), LedgerError> {
        let entry = self.claimable(id)?;
        match &entry.reward {
            None => Err(LedgerError::Invalid(format!(
                "no reward was approved for tip {id}"
            ))),
            Some(r) if r.state == "paid" => Err(LedgerError::Invalid(format!(
                "the reward for tip {id} was already marked paid on {}; nothing changed",
                r.paid_on.as_deref().unwrap_or("-")
            ))),
            Some(_) => {
                self.update(id, "reward-paid", "", |t| {
                    if let Some(r) = t.reward.as_mut() {
                        r.state = "paid".into();
                        r.paid_on = Some(today.to_owned());
                    }
                    Ok(())
                })?;
                Ok(())
            }
        }
    }

    /// Tip `id`, if a reward can be claimed for it (it has a receipt).
    fn claimable(&self, id: u64) -> Result<super::TipEntry, LedgerError> {
        let entry = self.get(id)?;
        if entry.claim_verifier.is_none() {
            return Err(LedgerError::Invalid(format!(
                "tip {id} has no receipt (it came by {}): rewards are claimed with a receipt's \
                 claim token",
                entry.channel.key()
            )));
        }
        Ok(entry)
    }
}
