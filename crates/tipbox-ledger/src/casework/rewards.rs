//! Rewards (奖励): approved for a web tip, claimed with its receipt's claim token, paid once.

use super::{Done, Warning};
use crate::{Action, Ledger, LedgerError, Refused, Reward, RewardState, TipEntry};

/// Above any reward scheme's ceiling: a larger amount is a typo (and report totals stay far
/// from overflowing).
pub const MAX_REWARD_YUAN: u64 = 10_000_000;

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
    /// Approve a reward of `amount` yuan for tip `id` (a web tip: the reward is claimed with
    /// its receipt's claim token). An approval can be corrected until the reward is paid;
    /// a paid reward is final.
    pub fn approve_reward(
        &mut self,
        id: u64,
        amount: u64,
        today: &str,
    ) -> Result<(RewardApproval, Done), LedgerError> {
        if amount == 0 {
            return Err(Refused::NoAmount.into());
        }
        if amount > MAX_REWARD_YUAN {
            return Err(Refused::AmountTooLarge { amount }.into());
        }
        let before = self.claimable(id)?;
        let outcome = match &before.reward {
            Some(r) if r.state == RewardState::Paid => {
                return Err(Refused::RewardPaid {
                    id,
                    amount: r.amount,
                    on: paid_on(r),
                }
                .into())
            }
            Some(r) if r.amount == amount => {
                let on = r.approved_on.clone();
                let done = Done {
                    entry: before,
                    warnings: Vec::new(),
                };
                return Ok((RewardApproval::AlreadyApproved { on }, done));
            }
            Some(r) => RewardApproval::Changed { from: r.amount },
            None => RewardApproval::Approved,
        };
        let sealed_amount = before
            .seal_for_reporter("amount", &amount.to_string())?
            .sealed;
        let detail = match outcome {
            RewardApproval::Changed { from } => format!("{amount} yuan (was {from} yuan)"),
            _ => format!("{amount} yuan"),
        };
        let entry = self.update(id, Action::RewardApprove, &detail, |t| {
            t.reward = Some(Reward {
                state: RewardState::Approved,
                amount,
                approved_on: today.to_owned(),
                paid_on: None,
                sealed_amount,
            });
            Ok(())
        })?;
        let warnings = before
            .public_record_probably_removed(today)
            .map(|day| Warning::PublicRecordRemoved {
                id,
                day: day.to_owned(),
            })
            .into_iter()
            .collect();
        Ok((outcome, Done { entry, warnings }))
    }

    /// Record that the approved reward for tip `id` was paid on `today`; once only.
    pub fn mark_reward_paid(&mut self, id: u64, today: &str) -> Result<(), LedgerError> {
        let entry = self.claimable(id)?;
        match &entry.reward {
            None => Err(Refused::NoRewardApproved { id }.into()),
            Some(r) if r.state == RewardState::Paid => {
                Err(Refused::RewardAlreadyPaid { id, on: paid_on(r) }.into())
            }
            Some(_) => {
                self.update(id, Action::RewardPaid, "", |t| {
                    if let Some(r) = t.reward.as_mut() {
                        r.state = RewardState::Paid;
                        r.paid_on = Some(today.to_owned());
                    }
                    Ok(())
                })?;
                Ok(())
            }
        }
    }

    /// The tip a reward claim token belongs to, if any (领取奖励, at the counter). Every
    /// check is recorded in the audit log, found or not.
    pub fn verify_claim(
        &mut self,
        token: &tipbox_core::receipt::ClaimToken,
    ) -> Result<Option<TipEntry>, LedgerError> {
        let found = self.find_claim(token)?;
        self.audit(
            Action::RewardVerify,
            found.as_ref().map(|t| t.id),
            if found.is_some() { "match" } else { "no match" },
        )?;
        Ok(found)
    }

    /// Find the tip whose claim-token verifier matches.
    pub fn find_claim(
        &self,
        token: &tipbox_core::receipt::ClaimToken,
    ) -> Result<Option<TipEntry>, LedgerError> {
        let verifier = token.verifier();
        for t in self.all() {
            let t = t?;
            if t.claim_verifier.as_deref() == Some(verifier.as_str()) {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }

    /// Tip `id`, if a reward can be claimed for it (it has a receipt).
    fn claimable(&self, id: u64) -> Result<TipEntry, LedgerError> {
        let entry = self.get(id)?;
        if entry.claim_verifier.is_none() {
            return Err(Refused::NoReceiptForReward {
                id,
                channel: entry.channel.key(),
            }
            .into());
        }
        Ok(entry)
    }
}

/// The day a paid reward was paid, as messages show it.
fn paid_on(r: &Reward) -> String {
    r.paid_on.as_deref().unwrap_or("-").to_owned()
}
