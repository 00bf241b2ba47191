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
        use tipbox_core::bundle::update::{self, SignedTipUpdate, TipUpdate, UpdateBody};
        let entries: Vec<TipEntry> = self.all().collect::<Result<_, _>>()?;
        // Tips handed over by another unit are answered by that unit's portal.
        let mut portals: Vec<&str> = entries
            .iter()
            .filter(|t| !t.handed_over)
            .filter_map(|t| t.portal_id.as_deref())
            .collect();
        portals.sort_unstable();
        portals.dedup();
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
            if !t.has_public_state() && !new_here {
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
            let acknowledgement = Some(update::Acknowledgement::sign(
                &self.config.office_name,
                &update::Acknowledgement::number(&portal_id, &tip_id),
                &t.received,
                key,
            ));
            let u = TipUpdate {
                format: update::FORMAT,
                purpose: update::TIP_PURPOSE.into(),
                portal_id: portal_id.clone(),
                tip_id,
                revision: sequence,
                status: t.status.public().key().into(),
                status_day: t.status_day.clone().unwrap_or_else(|| t.received.clone()),
                messages: t.public_messages.clone(),
                reward: t.reward.as_ref().map(|r| update::RewardDecision {
                    state: r.state,
                    day: r.paid_on.clone().unwrap_or_else(|| r.approved_on.clone()),
                    sealed_amount: r.sealed_amount.clone(),
                }),
                acknowledgement,
            };
            tips.push(SignedTipUpdate::sign(&u, key));
        }
        acknowledged.sort();
        let body = UpdateBody {
            format: update::FORMAT,
            purpose: update::PURPOSE.into(),
            portal_id: portal_id.clone(),
            sequence,
            made: tipbox_core::vocab::today(),
            tips,
            acknowledged,
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
