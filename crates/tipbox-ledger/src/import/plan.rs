//! Planning an import: from the items a bundle brought, every entry it adds or changes,
//! decided in memory before anything is written. Pure: it reads no file and no database
//! (the entries it extends are looked up through the function it is given), so each rule is
//! a unit test below. The rule that matters most: a bundle only adds (ARCHITECTURE.md,
//! invariant 8); a second tip item for a tip is refused, whichever import brought the first.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tipbox_core::bundle::inbox;
use tipbox_core::tip::{Kind, Manifest};

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
        // A follow-up another portal of the site took for this portal's tip joins that tip,
        // and only a tip the ledger holds with its own item: it cannot make entries in
        // another portal's name, or be filed under a portal outside the site.
        let foreign = !numbering.bundle_portal.is_empty()
            && manifest.kind == Kind::Followup
            && manifest.portal_id != numbering.bundle_portal;
        let refuse_foreign = || {
            LedgerError::BadItem(
                entry.blob_id.clone(),
                "its manifest names another item or portal (a follow-up for a tip another \
                 portal received is taken only from a portal of that portal's site, as \
                 `tipbox-review site` records it, and only for a tip this ledger holds)"
                    .into(),
            )
        };
        if foreign && !numbering.site.contains(&manifest.portal_id) {
            return Err(refuse_foreign());
        }
        if foreign && !numbering.portal_tips.contains_key(&portal_key) {
            return Err(refuse_foreign());
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
        if foreign && !tip.blobs.iter().any(|b| b.kind == Kind::Tip) {
            return Err(refuse_foreign());
        }
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
            tip.blobs.push(blob);
        }
    }
    plan.entries = touched.into_values().collect();
    Ok(plan)
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
    tip.blobs.insert(0, blob);
}

/// The fields import reads from an item besides its manifest.
#[derive(Default)]
pub(crate) struct ItemFields {
    pub(crate) category: Option<String>,
    pub(crate) reward: bool,
    /// Web, unless a hand-over of a typed-in tip names another channel.
    pub(crate) channel: Channel,
}

#[cfg(test)]
mod tests;
