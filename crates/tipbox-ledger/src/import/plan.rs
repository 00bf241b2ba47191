//! Planning an import: from the items a bundle brought, every entry it adds or changes,
//! decided in memory before anything is written. Pure: it reads no file and no database
//! (the entries it extends are looked up through the function it is given), so each rule is
//! a unit test below. The rule that matters most: a bundle only adds (ARCHITECTURE.md,
//! invariant 8); a second tip item for a tip is refused, whichever import brought the first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tipbox_core::bundle::inbox;
use tipbox_core::tip::{FollowupProof, Kind, Manifest};

use crate::early_entries::Opened;
use crate::imported::ImportRecord;
use crate::{BlobRef, Channel, LedgerError, PackRef, Status, TipEntry};

/// What the ledger knows while planning: which portal tip is which entry, what this import
/// records, and the next free id. Planning moves it on.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    pub(crate) portal_tips: HashMap<String, u64>,
    pub(crate) record: ImportRecord,
    pub(crate) next: u64,
    /// The bundle's portal and the other portals of its site, as the office recorded them
    /// (docs/design/sites.md). A follow-up naming any other portal is refused; so is one
    /// naming a portal of the site whose tip the ledger does not hold. Empty (the unit
    /// tests' plans): follow-ups are not checked against a site.
    pub(crate) bundle_portal: String,
    pub(crate) site: BTreeSet<String>,
}

/// The entries to write, and what the import did, counted for the reviewer.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) entries: Vec<TipEntry>,
    pub(crate) new_tips: u64,
    pub(crate) new_followups: u64,
    pub(crate) tips_completed: u64,
    pub(crate) followup_tips: BTreeSet<u64>,
    /// Entries made from follow-ups that received their own tip item: `(id, day before,
    /// day now)`, for the audit log (the day the deadlines count from changed).
    pub(crate) completed: Vec<(u64, String, String)>,
    /// Follow-ups naming another portal's tip that were not imported, and why. They stay
    /// on the portal (nothing acknowledges them), and the rest of the bundle is imported.
    pub(crate) left_out: Vec<LeftOut>,
}

/// A follow-up a portal took for another portal's tip, not imported (docs/design/sites.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeftOut {
    /// The ledger holds no tip of that portal with that id, with its own item.
    TipNotHeld,
    /// The tip's portal is not in the bundle portal's site (the office took it out, or
    /// never put it in), and the follow-up is not signed by the tip's receipt.
    OutsideSiteNotProven,
}

/// Plan the items that were not written early (follow-ups, and tip items for entries that
/// exist): tips first, so follow-ups in the same bundle find them. `existing` reads an
/// entry the ledger holds (`None`: it has none).
pub(crate) fn plan(
    items: &[Opened],
    pack_name: &str,
    numbering: &mut Numbering,
    mut existing: impl FnMut(u64) -> Result<Option<TipEntry>, LedgerError>,
) -> Result<Plan, LedgerError> {
    let mut ordered: Vec<&Opened> = items.iter().collect();
    ordered.sort_by_key(|o| o.manifest.kind != Kind::Tip);
    let mut plan = Plan::default();
    let mut touched: BTreeMap<u64, TipEntry> = BTreeMap::new();
    for Opened {
        entry,
        offset,
        manifest,
        fields,
        ..
    } in ordered
    {
        let blob = pack_blob(entry, *offset, manifest, pack_name);
        let fresh = |id| fresh_entry(id, manifest, fields);
        let portal_key = format!("{}:{}", manifest.portal_id, manifest.tip_id);
        // A follow-up another portal took for this tip: it joins a tip the ledger holds
        // with its own item, and only from a portal of the tip's site, or signed by the
        // tip's receipt (the office may have taken the tip's portal out of the site after
        // the reporter used it). It never makes entries in another portal's name. What
        // does not qualify is left out: the rest of the bundle is the portal's own work.
        let foreign = !numbering.bundle_portal.is_empty()
            && manifest.kind == Kind::Followup
            && manifest.portal_id != numbering.bundle_portal;
        if foreign {
            let Some(&id) = numbering.portal_tips.get(&portal_key) else {
                plan.left_out.push(LeftOut::TipNotHeld);
                continue;
            };
            // Looked at, not touched: an entry is written only if an item joins it.
            let looked_up = match touched.get(&id) {
                Some(_) => None,
                None => existing(id)?,
            };
            let Some(tip) = touched.get(&id).or(looked_up.as_ref()) else {
                plan.left_out.push(LeftOut::TipNotHeld);
                continue;
            };
            if !tip.blobs.iter().any(|b| b.kind == Kind::Tip) {
                plan.left_out.push(LeftOut::TipNotHeld);
                continue;
            }
            if !numbering.site.contains(&manifest.portal_id) && !proven(tip, manifest, fields) {
                plan.left_out.push(LeftOut::OutsideSiteNotProven);
                continue;
            }
            if let Some(tip) = looked_up {
                touched.insert(id, tip);
            }
        }
        let id = match numbering.portal_tips.get(&portal_key) {
            Some(id) => *id,
            None => {
                // A follow-up whose tip has not arrived (tips new to the ledger were
                // placed while the bundle was read): its entry is a new tip too.
                let id = numbering.next;
                numbering.next += 1;
                numbering.portal_tips.insert(portal_key.clone(), id);
                numbering.record.portal_tips.push((portal_key, id));
                plan.new_tips += 1;
                // A new id has no entry yet: nothing to look up.
                touched.insert(id, fresh(id));
                id
            }
        };
        if let std::collections::btree_map::Entry::Vacant(slot) = touched.entry(id) {
            slot.insert(existing(id)?.unwrap_or_else(|| fresh(id)));
        }
        let tip = touched.get_mut(&id).expect("just inserted");
        numbering.record.blobs.push((entry.blob_id.clone(), id));
        if manifest.kind == Kind::Tip {
            // A tip's keys, content, category and day come from its first tip item
            // only (SECURITY.md, "What a hostile portal can and cannot do"): a second
            // one, from this bundle or any other, would rewrite what an earlier item
            // established. Only an entry made from follow-ups whose tip had not yet
            // arrived takes its tip item here.
            if tip.blobs.iter().any(|b| b.kind == Kind::Tip) {
                return Err(LedgerError::SecondTipItem {
                    blob: entry.blob_id.clone(),
                    tip: id,
                });
            }
            plan.tips_completed += 1;
            // Its follow-ups, imported before it, can be checked now: name the tip.
            plan.followup_tips.insert(id);
            // Once a reviewer has triaged the entry, its category is the reviewer's
            // decision: the late item completes the entry, it does not overrule the office.
            let decided = (tip.status != Status::New).then(|| tip.category.clone());
            let day_before = tip.received.clone();
            add_tip_item(tip, blob, manifest, fields);
            if let Some(category) = decided {
                tip.category = category;
            }
            plan.completed.push((id, day_before, tip.received.clone()));
        } else {
            plan.new_followups += 1;
            plan.followup_tips.insert(id);
            let proven_at_import = proven(tip, manifest, fields);
            tip.blobs.push(BlobRef {
                proven_at_import,
                taken_by: foreign.then(|| numbering.bundle_portal.clone()),
                ..blob
            });
        }
    }
    plan.entries = touched.into_values().collect();
    Ok(plan)
}

/// Whether follow-up `manifest` is signed with the follow-up key of `tip` (from its own
/// item, which the entry must hold): written by the holder of the tip's receipt.
fn proven(tip: &TipEntry, manifest: &Manifest, fields: &ItemFields) -> bool {
    let Some(key) = tip.followup_verify_key.as_deref() else {
        return false;
    };
    let (Some(portal), Some(tip_id)) = (&tip.portal_id, &tip.portal_tip_id) else {
        return false;
    };
    tip.blobs.iter().any(|b| b.kind == Kind::Tip)
        && FollowupProof::check_signed(key, (portal, tip_id), manifest, fields.content_hash)
            == FollowupProof::ReceiptHolder
}

/// A hand-over bundle's tips: every entry this import created (`id >= first_new`; some
/// were written early, before the header's word was known) is another unit's, not a tip
/// of this ledger's own portal handed back. Adds the early entries to those to write.
pub(crate) fn mark_handed_over(entries: &mut Vec<TipEntry>, early: &[TipEntry], first_new: u64) {
    let ids: std::collections::HashSet<u64> = entries.iter().map(|t| t.id).collect();
    entries.extend(early.iter().filter(|t| !ids.contains(&t.id)).cloned());
    for t in entries.iter_mut().filter(|t| t.id >= first_new) {
        t.handed_over = true;
    }
}

/// Where an imported item is: in this import's pack.
pub(crate) fn pack_blob(
    entry: &inbox::EntryHeader,
    offset: u64,
    manifest: &Manifest,
    pack: &str,
) -> BlobRef {
    BlobRef {
        blob_id: entry.blob_id.clone(),
        kind: manifest.kind,
        day: manifest.day.clone(),
        sealed_to: entry.sealed_to.clone(),
        pack: Some(PackRef {
            file: pack.to_owned(),
            offset,
            len: entry.size,
        }),
        proven_at_import: false,
        taken_by: None,
    }
}

/// The entry of a web tip the ledger has not seen, before its items are added. A follow-up
/// whose tip never arrived gets one too: nothing is lost.
pub(crate) fn fresh_entry(id: u64, manifest: &Manifest, fields: &ItemFields) -> TipEntry {
    let mut t = TipEntry::new(
        id,
        fields.channel,
        &manifest.day,
        fields.category.as_deref().unwrap_or("other"),
    );
    t.portal_id = Some(manifest.portal_id.clone());
    t.portal_tip_id = Some(manifest.tip_id.clone());
    t
}

/// Add a tip's own item (not a follow-up) to its entry: it comes first, and sets the
/// tip's fields.
pub(crate) fn add_tip_item(
    tip: &mut TipEntry,
    blob: BlobRef,
    manifest: &Manifest,
    fields: &ItemFields,
) {
    if let Some(c) = &fields.category {
        tip.category = c.clone();
    }
    tip.received = manifest.day.clone();
    tip.channel = fields.channel;
    tip.reward_wanted = fields.reward;
    tip.reply_public_key = manifest.reply_public_key.clone();
    tip.claim_verifier = manifest.claim_verifier.clone();
    tip.followup_verify_key = manifest.followup_verify_key.clone();
    tip.blobs.insert(0, blob);
}

/// The fields import reads from an item besides its manifest.
#[derive(Default)]
pub(crate) struct ItemFields {
    pub(crate) category: Option<String>,
    pub(crate) reward: bool,
    /// Web, unless a hand-over of a typed-in tip names another channel.
    pub(crate) channel: Channel,
    /// A follow-up's content hash (what its receipt-key signature covers).
    pub(crate) content_hash: Option<[u8; 32]>,
}

#[cfg(test)]
mod tests;
