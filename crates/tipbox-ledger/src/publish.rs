//! What goes back to a portal: update bundles (statuses, replies, reward decisions and
//! acknowledgements, signed by the office), the printed notices (交办单) and reward claims.

use super::*;

impl Ledger {
    /// Write a signed update bundle for one portal: the public state of every tip from it
    /// that has any, and acknowledgements of the items it still held at the last inbox
    /// bundle imported from it (all items imported from it, for a ledger that has not
    /// imported from it since it began to keep that record). Numbers bundles per portal so
    /// the portal refuses replays and rollbacks.
    ///
    /// Acknowledging only what the portal still holds keeps bundles from growing with the
    /// office's whole history (about 35 bytes an item). An acknowledgement that never
    /// arrives (a bundle lost on the way) costs nothing: the portal keeps listing the item
    /// in its inbox bundles, and the next import puts it back on the list.
    pub fn export_updates(
        &mut self,
        portal: Option<&str>,
        key: &tipbox_core::crypto::SigningKey,
    ) -> Result<(Vec<u8>, ExportedUpdates), LedgerError> {
        use tipbox_core::bundle::update::{self, SignedTipUpdate, UpdateBody};
        let entries: Vec<TipEntry> = self.all().collect::<Result<_, _>>()?;
        // Tips handed over by another unit are answered by that unit's portal. A portal
        // the ledger imported from, or exported to, is answered even with no tip of its
        // own: it may serve a site (docs/design/sites.md).
        let portals = self.portals()?;
        let portals: Vec<&str> = portals.iter().map(String::as_str).collect();
        let portal_id = match (portal, portals.as_slice()) {
            (Some(p), _) if portals.contains(&p) => p.to_owned(),
            (Some(p), _) => return Err(Refused::NoTipFromPortal(p.to_owned()).into()),
            (None, [one]) => (*one).to_owned(),
            (None, []) => return Err(Refused::NoPortalYet.into()),
            // Checked when imported; a ledger from before that may hold anything, so the
            // message shows them label-safe.
            (None, many) => {
                return Err(
                    Refused::SeveralPortals(many.iter().map(|p| (*p).to_owned()).collect()).into(),
                )
            }
        };
        // The other portals of its site, as the office recorded them.
        let siblings: std::collections::HashSet<String> = self
            .site_members(&portal_id)?
            .into_iter()
            .filter(|p| *p != portal_id)
            .collect();
        let sequence = self.update_sequence(&portal_id)? + 1;
        let holds = self.portal_holdings(&portal_id)?;
        let finished_days = self.config.publishing.finished_days;
        let publish_since = Day::today().plus(-i64::from(finished_days));
        let mut tips = Vec::new();
        let mut acknowledged = Vec::new();
        let mut finished_left_out = 0;
        for t in entries
            .iter()
            .filter(|t| !t.handed_over && t.portal_id.as_deref() == Some(portal_id.as_str()))
        {
            // Only items imported from this portal: the list of holdings only narrows that.
            acknowledged.extend(
                t.blobs
                    .iter()
                    .filter(|b| holds.as_ref().is_none_or(|h| h.contains(&b.blob_id)))
                    .map(|b| b.blob_id.clone()),
            );
            // A tip whose item the portal still holds is sent even with nothing else to
            // say: it carries the office's acknowledgement of receipt, which the portal
            // keeps and shows (a portal keeps a tip's last state until it sends another).
            let new_here = t
                .blobs
                .iter()
                .any(|b| holds.as_ref().is_some_and(|h| h.contains(&b.blob_id)));
            // Follow-ups other portals of its site took, proven by the receipt: the tip's
            // own portal lists them with those it took itself.
            let relayed = proven_followup_days(t, |b| b.taken_by.is_some());
            if !t.has_public_state() && !new_here && relayed.is_empty() {
                continue;
            }
            if t.has_public_state()
                && t.is_publicly_finished()
                && Day::parse(t.last_public_change())
                    .zip(publish_since)
                    .is_some_and(|(last, since)| last < since)
            {
                finished_left_out += 1;
                continue;
            }
            let Some(tip_id) = t.portal_tip_id.clone() else {
                continue;
            };
            let site = match (&t.reply_public_key, relayed.is_empty()) {
                (Some(reply_key), false) => Some(update::SiteTip {
                    home_portal_id: portal_id.clone(),
                    reply_public_key: reply_key.clone(),
                    received: t.received.clone(),
                    followup_days: relayed,
                }),
                _ => None,
            };
            let u = self.public_record(t, &portal_id, &portal_id, &tip_id, sequence, key, site);
            tips.push(SignedTipUpdate::sign(&u, key));
        }
        self.site_records(
            &entries,
            &portal_id,
            &siblings,
            sequence,
            publish_since,
            key,
            (&mut tips, &mut acknowledged),
            holds.as_ref(),
        );
        acknowledged.sort();
        let body = UpdateBody {
            format: update::FORMAT,
            purpose: update::PURPOSE.into(),
            portal_id: portal_id.clone(),
            sequence,
            made: tipbox_core::vocab::today(),
            tips,
            acknowledged,
            // Always sent, empty for a portal of no site: a portal the office took out of
            // a site then drops what it held of the others' tips, and they of its.
            site_members: Some({
                let mut members: Vec<String> = siblings.into_iter().collect();
                members.sort();
                members
            }),
        };
        let bytes = update::write(&body, key);
        if bytes.len() > update::MAX_BUNDLE {
            return Err(LedgerError::UpdateBundleTooLarge {
                mib: bytes.len() >> 20,
                max_mib: update::MAX_BUNDLE >> 20,
                config: self.root.join(CONFIG_FILE),
                finished_days,
            });
        }
        let summary = ExportedUpdates {
            portal_id,
            sequence,
            tips: body.tips.len(),
            acknowledged: body.acknowledged.len(),
            finished_left_out,
        };
        Ok((bytes, summary))
    }

    /// For a portal of a site: the public record of every tip the other portals of its
    /// site received that the ledger holds (found there by the reply key a receipt derives),
    /// and acknowledgements of the items it took for them (follow-ups). Finished tips past
    /// the publishing window are left out, as for the portal's own tips; of two tips with
    /// one reply key (only a hostile portal makes that), only the first imported is sent.
    #[allow(clippy::too_many_arguments)]
    fn site_records(
        &self,
        entries: &[TipEntry],
        portal_id: &str,
        siblings: &std::collections::HashSet<String>,
        sequence: u64,
        publish_since: Option<Day>,
        key: &tipbox_core::crypto::SigningKey,
        (tips, acknowledged): (
            &mut Vec<tipbox_core::bundle::update::SignedTipUpdate>,
            &mut Vec<String>,
        ),
        holds: Option<&std::collections::HashSet<String>>,
    ) {
        use tipbox_core::bundle::update::{SignedTipUpdate, SiteTip};
        // The follow-ups this portal took for other portals' tips, if it still holds
        // them: whichever portal the tip came from, and whether or not that portal is
        // still in the site (one taken before the office took it out was imported too).
        if let Some(h) = holds {
            for t in entries
                .iter()
                .filter(|t| t.portal_id.as_deref() != Some(portal_id))
            {
                acknowledged.extend(
                    t.blobs
                        .iter()
                        .filter(|b| h.contains(&b.blob_id))
                        .map(|b| b.blob_id.clone()),
                );
            }
        }
        if siblings.is_empty() {
            return;
        }
        let mut seen_reply_keys = std::collections::HashSet::new();
        // `all()` is in id order: the first imported tip keeps its reply key.
        for t in entries.iter().filter(|t| {
            !t.handed_over
                && t.portal_id
                    .as_deref()
                    .is_some_and(|p| p == portal_id || siblings.contains(p))
        }) {
            let home = t.portal_id.as_deref().unwrap_or_default();
            let first_with_key = t
                .reply_public_key
                .as_ref()
                .is_some_and(|k| seen_reply_keys.insert(k.clone()));
            if home == portal_id {
                continue;
            }
            let (Some(tip_id), Some(reply_key)) = (&t.portal_tip_id, &t.reply_public_key) else {
                continue;
            };
            if !first_with_key
                || !t
                    .blobs
                    .iter()
                    .any(|b| b.kind == tipbox_core::tip::Kind::Tip)
            {
                continue;
            }
            if t.has_public_state()
                && t.is_publicly_finished()
                && Day::parse(t.last_public_change())
                    .zip(publish_since)
                    .is_some_and(|(last, since)| last < since)
            {
                continue;
            }
            let site = SiteTip {
                home_portal_id: home.to_owned(),
                reply_public_key: reply_key.clone(),
                received: t.received.clone(),
                followup_days: proven_followup_days(t, |_| true),
            };
            let u = self.public_record(t, portal_id, home, tip_id, sequence, key, Some(site));
            tips.push(SignedTipUpdate::sign(&u, key));
        }
    }

    /// The office's public record of tip `t` in `portal_id`'s bundle `sequence`: what its
    /// reporter sees, the acknowledgement signed for `home`'s tip `tip_id`, and `site` when
    /// the tip is another portal's of the site. One place for both, so a portal of a site
    /// answers a receipt exactly as the tip's own portal does.
    #[allow(clippy::too_many_arguments)]
    fn public_record(
        &self,
        t: &TipEntry,
        portal_id: &str,
        home: &str,
        tip_id: &str,
        sequence: u64,
        key: &tipbox_core::crypto::SigningKey,
        site: Option<tipbox_core::bundle::update::SiteTip>,
    ) -> tipbox_core::bundle::update::TipUpdate {
        use tipbox_core::bundle::update;
        update::TipUpdate {
            format: update::FORMAT,
            purpose: update::TIP_PURPOSE.into(),
            portal_id: portal_id.to_owned(),
            tip_id: tip_id.to_owned(),
            revision: sequence,
            status: t.status.public().key().into(),
            status_day: t.status_day.clone().unwrap_or_else(|| t.received.clone()),
            messages: t.public_messages.clone(),
            reward: t.reward.as_ref().map(|r| update::RewardDecision {
                state: r.state,
                day: r.paid_on.clone().unwrap_or_else(|| r.approved_on.clone()),
                sealed_amount: r.sealed_amount.clone(),
            }),
            acknowledgement: Some(update::Acknowledgement::sign(
                &self.config.office_name,
                &update::Acknowledgement::number(home, tip_id),
                &t.received,
                key,
            )),
            site,
        }
    }

    /// Record that bundle `sequence` for `portal_id` was written (after the file is safe).
    pub fn commit_export(&mut self, e: &ExportedUpdates) -> Result<(), LedgerError> {
        let seq_key = format!("update-sequence:{}", e.portal_id);
        self.meta
            .insert(seq_key.as_bytes(), &e.sequence.to_be_bytes())
            .map_err(db_err)?;
        self.sync()?;
        self.audit(
            Action::Export,
            None,
            &format!(
                "update bundle {} for portal {}: {} tip(s), {} acknowledgement(s)",
                e.sequence, e.portal_id, e.tips, e.acknowledged
            ),
        )
    }
}

/// The days of tip `t`'s follow-ups that `which` picks and that import found signed by the
/// tip's receipt, oldest first, at most [`MAX_SITE_FOLLOWUP_DAYS`] (the latest): what a
/// portal of the site lists as "information you added". A member's made-up follow-ups are
/// not shown as the reporter's.
///
/// [`MAX_SITE_FOLLOWUP_DAYS`]: tipbox_core::bundle::update::MAX_SITE_FOLLOWUP_DAYS
fn proven_followup_days(t: &TipEntry, which: impl Fn(&BlobRef) -> bool) -> Vec<String> {
    let mut days: Vec<String> = t
        .blobs
        .iter()
        .filter(|b| b.kind == tipbox_core::tip::Kind::Followup && b.proven_at_import && which(b))
        .map(|b| b.day.clone())
        .collect();
    days.sort();
    let over = days
        .len()
        .saturating_sub(tipbox_core::bundle::update::MAX_SITE_FOLLOWUP_DAYS);
    days.drain(..over);
    days
}
