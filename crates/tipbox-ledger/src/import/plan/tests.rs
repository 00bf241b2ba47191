//! The planning rules, on items made in memory: no bundle, no ledger, no keys.

use super::*;

const PORTAL: &str = "0123456789abcdef0123456789abcdef";

fn item(kind: Kind, tip_id: &str, blob_id: &str, category: &str) -> Opened {
    let mut manifest = Manifest::without_receipt(PORTAL, tip_id, blob_id, "2026-11-30", (1, 0));
    manifest.kind = kind;
    if kind == Kind::Tip {
        manifest.reply_public_key = Some(format!("reply key of {tip_id}"));
    }
    Opened {
        order: 0,
        entry: inbox::EntryHeader {
            blob_id: blob_id.into(),
            size: 100,
            sealed_to: "office".into(),
            checksum: String::new(),
        },
        offset: 0,
        manifest,
        fields: ItemFields {
            category: (!category.is_empty()).then(|| category.into()),
            reward: false,
            channel: Channel::Web,
            content_hash: None,
        },
    }
}

fn numbering(known: &[(&str, u64)], next: u64) -> Numbering {
    Numbering {
        portal_tips: known
            .iter()
            .map(|(tip, id)| (format!("{PORTAL}:{tip}"), *id))
            .collect(),
        record: ImportRecord::default(),
        next,
        bundle_portal: PORTAL.into(),
        site: Default::default(),
    }
}

const SIBLING: &str = "fedcba9876543210fedcba9876543210";

/// A follow-up taken by this bundle's portal for a tip its site's other portal received.
fn sibling_followup(tip_id: &str, blob_id: &str) -> Opened {
    let mut follow = item(Kind::Followup, tip_id, blob_id, "");
    follow.manifest.portal_id = SIBLING.into();
    follow
}

/// An entry an earlier import made from the sibling portal's tip `tip_id`.
fn sibling_tip(id: u64, tip_id: &str) -> TipEntry {
    let mut it = item(Kind::Tip, tip_id, &format!("blob-of-{tip_id}"), "umbrella");
    it.manifest.portal_id = SIBLING.into();
    let mut t = fresh_entry(id, &it.manifest, &it.fields);
    add_tip_item(
        &mut t,
        pack_blob(&it.entry, 0, &it.manifest, "pack-old"),
        &it.manifest,
        &it.fields,
    );
    t
}

#[test]
fn a_follow_up_for_a_tip_of_another_portal_of_the_site_joins_that_tip() {
    let earlier = sibling_tip(7, "t1");
    let mut n = numbering(&[], 8);
    n.portal_tips.insert(format!("{SIBLING}:t1"), 7);
    n.site.insert(SIBLING.into());
    let p = plan(&[sibling_followup("t1", "f1")], "pack", &mut n, |_| {
        Ok(Some(earlier.clone()))
    })
    .unwrap();
    assert_eq!(p.new_tips, 0);
    assert_eq!(p.entries.len(), 1);
    assert_eq!(p.entries[0].id, 7);
    assert_eq!(p.entries[0].blobs.len(), 2);
    assert_eq!(p.entries[0].portal_id.as_deref(), Some(SIBLING));
}

/// The follow-up key of the sibling's tip `tip_id`, recorded from its own item, and a
/// follow-up for it signed with that key (as the portal signs one written through the
/// receipt) over the content hash the import computed.
fn signed_sibling_followup(
    tip: &mut TipEntry,
    tip_id: &str,
    blob_id: &str,
    key: &tipbox_core::crypto::SigningKey,
) -> Opened {
    tip.followup_verify_key = Some(hex::encode(key.verify_key()));
    let mut follow = sibling_followup(tip_id, blob_id);
    let hash = [9u8; 32];
    let message = tipbox_core::tip::followup_signed_message(&follow.manifest, &hash);
    follow.manifest.signature = Some(hex::encode(key.sign(&message)));
    follow.fields.content_hash = Some(hash);
    follow
}

/// A follow-up naming another portal's tip that does not qualify is left out, and the rest
/// of the bundle (the portal's own new work) is still planned: regression for a ledger that
/// refused a member's whole bundle once the office had taken another portal out of the site
/// (the member had taken follow-ups for that portal's tips before its next update).
#[test]
fn regression_a_follow_up_for_a_portal_taken_out_of_the_site_refused_the_whole_bundle() {
    let key = tipbox_core::crypto::SigningKey::generate();
    let mut earlier = sibling_tip(7, "t1");
    let own_tip = item(Kind::Tip, "mine", "b-mine", "umbrella");
    // Not (or no longer) in a site with the bundle's portal, not signed by the receipt.
    let mut n = numbering(&[("mine", 9)], 10);
    n.portal_tips.insert(format!("{SIBLING}:t1"), 7);
    let signed = signed_sibling_followup(&mut earlier, "t1", "f-signed", &key);
    let p = plan(
        &[sibling_followup("t1", "f1"), own_tip],
        "pack",
        &mut n,
        |id| Ok((id == 7).then(|| earlier.clone())),
    )
    .unwrap();
    assert_eq!(p.left_out, vec![LeftOut::OutsideSiteNotProven]);
    assert_eq!(
        p.tips_completed, 1,
        "the portal's own tip item is still taken"
    );
    assert!(p.entries.iter().all(|t| t.id != 7), "tip 7 is not touched");
    assert!(
        !n.record.blobs.iter().any(|(b, _)| b == "f1"),
        "not recorded"
    );
    // The same, signed by the tip's receipt: the reporter's own words, whichever portal
    // relayed them. They join the tip, proven.
    let mut n = numbering(&[], 8);
    n.portal_tips.insert(format!("{SIBLING}:t1"), 7);
    let p = plan(&[signed], "pack", &mut n, |_| Ok(Some(earlier.clone()))).unwrap();
    assert!(p.left_out.is_empty());
    assert_eq!(p.entries[0].id, 7);
    assert!(p.entries[0].blobs.last().unwrap().proven_at_import);
    // In the site, but for a tip the ledger does not hold: no entry in another's name.
    let mut n = numbering(&[], 8);
    n.site.insert(SIBLING.into());
    let p = plan(&[sibling_followup("t2", "f2")], "pack", &mut n, |_| {
        Ok(None)
    })
    .unwrap();
    assert_eq!(p.left_out, vec![LeftOut::TipNotHeld]);
    assert!(p.entries.is_empty() && n.record.portal_tips.is_empty());
    assert_eq!(n.next, 8, "no id taken");
    // In the site, for an entry made only of follow-ups (its tip item never came).
    let mut only_followups = sibling_tip(7, "t1");
    only_followups.blobs.retain(|b| b.kind != Kind::Tip);
    let mut n = numbering(&[], 8);
    n.portal_tips.insert(format!("{SIBLING}:t1"), 7);
    n.site.insert(SIBLING.into());
    let p = plan(&[sibling_followup("t1", "f3")], "pack", &mut n, |_| {
        Ok(Some(only_followups.clone()))
    })
    .unwrap();
    assert_eq!(p.left_out, vec![LeftOut::TipNotHeld]);
    assert!(p.entries.is_empty());
}

/// Import records whether each follow-up is signed by its tip's receipt; a made-up one (a
/// portal's own words) is imported, and marked not proven, so other portals of a site do
/// not show it as the reporter's.
#[test]
fn import_records_which_follow_ups_the_receipt_signed() {
    let key = tipbox_core::crypto::SigningKey::generate();
    let mut earlier = sibling_tip(7, "t1");
    let signed = signed_sibling_followup(&mut earlier, "t1", "f-signed", &key);
    let mut tampered = signed_sibling_followup(&mut earlier, "t1", "f-tampered", &key);
    tampered.fields.content_hash = Some([8u8; 32]);
    let mut other_key = signed_sibling_followup(&mut earlier, "t1", "f-other-key", &key);
    let message = tipbox_core::tip::followup_signed_message(&other_key.manifest, &[9u8; 32]);
    other_key.manifest.signature = Some(hex::encode(
        tipbox_core::crypto::SigningKey::generate().sign(&message),
    ));
    let mut n = numbering(&[], 8);
    n.portal_tips.insert(format!("{SIBLING}:t1"), 7);
    n.site.insert(SIBLING.into());
    let p = plan(
        &[
            signed,
            sibling_followup("t1", "f-unsigned"),
            tampered,
            other_key,
        ],
        "pack",
        &mut n,
        |_| Ok(Some(earlier.clone())),
    )
    .unwrap();
    let proven: Vec<(&str, bool)> = p.entries[0]
        .blobs
        .iter()
        .filter(|b| b.kind == Kind::Followup)
        .map(|b| (b.blob_id.as_str(), b.proven_at_import))
        .collect();
    assert_eq!(
        proven,
        [
            ("f-signed", true),
            ("f-unsigned", false),
            ("f-tampered", false),
            ("f-other-key", false)
        ]
    );
}

/// An entry an earlier import made from tip `tip_id`'s own item.
fn imported_tip(id: u64, tip_id: &str) -> TipEntry {
    let it = item(Kind::Tip, tip_id, &format!("blob-of-{tip_id}"), "umbrella");
    let mut t = fresh_entry(id, &it.manifest, &it.fields);
    add_tip_item(
        &mut t,
        pack_blob(&it.entry, 0, &it.manifest, "pack-earlier"),
        &it.manifest,
        &it.fields,
    );
    t
}

fn nothing(_: u64) -> Result<Option<TipEntry>, LedgerError> {
    Ok(None)
}

#[test]
fn a_second_tip_item_for_a_tip_an_earlier_import_holds_is_refused() {
    let earlier = imported_tip(7, "t1");
    let mut n = numbering(&[("t1", 7)], 8);
    let forged = item(Kind::Tip, "t1", "forged-blob", "other");
    let refused = plan(&[forged], "pack-now", &mut n, |id| {
        Ok((id == 7).then(|| earlier.clone()))
    });
    match refused {
        Err(LedgerError::SecondTipItem { blob, tip }) => {
            assert_eq!((blob.as_str(), tip), ("forged-blob", 7));
        }
        other => panic!("expected SecondTipItem, got {other:?}"),
    }
}

#[test]
fn a_tip_item_listed_twice_in_one_bundle_is_refused() {
    let mut n = numbering(&[], 1);
    let follow = item(Kind::Followup, "t2", "f1", "");
    let first = item(Kind::Tip, "t2", "b1", "umbrella");
    let second = item(Kind::Tip, "t2", "b2", "other");
    assert!(matches!(
        plan(&[follow, first, second], "pack", &mut n, nothing),
        Err(LedgerError::SecondTipItem { tip: 1, .. })
    ));
}

#[test]
fn follow_ups_in_the_same_bundle_join_their_tip_whatever_the_order() {
    let mut n = numbering(&[], 1);
    let items = [
        item(Kind::Followup, "t3", "f1", ""),
        item(Kind::Tip, "t3", "b1", "loan-shark"),
        item(Kind::Followup, "t3", "f2", ""),
    ];
    let p = plan(&items, "pack", &mut n, nothing).unwrap();
    assert_eq!(p.entries.len(), 1);
    let t = &p.entries[0];
    assert_eq!(t.id, 1);
    assert_eq!(t.category, "loan-shark");
    assert_eq!(t.reply_public_key.as_deref(), Some("reply key of t3"));
    let kinds: Vec<(&str, Kind)> = t
        .blobs
        .iter()
        .map(|b| (b.blob_id.as_str(), b.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("b1", Kind::Tip),
            ("f1", Kind::Followup),
            ("f2", Kind::Followup)
        ],
        "the tip's own item comes first"
    );
    assert_eq!((p.new_tips, p.new_followups, p.tips_completed), (1, 2, 1));
    assert_eq!(n.next, 2);
    assert_eq!(n.record.portal_tips, [(format!("{PORTAL}:t3"), 1)]);
    assert_eq!(n.record.blobs.len(), 3);
}

#[test]
fn a_follow_up_whose_tip_never_arrived_becomes_a_tip_of_its_own() {
    let mut n = numbering(&[], 40);
    let p = plan(
        &[item(Kind::Followup, "lost", "f1", "")],
        "pack",
        &mut n,
        nothing,
    )
    .unwrap();
    assert_eq!(p.new_tips, 1);
    assert_eq!(p.new_followups, 1);
    let t = &p.entries[0];
    assert_eq!((t.id, t.portal_tip_id.as_deref()), (40, Some("lost")));
    assert_eq!(t.reply_public_key, None, "a follow-up sets no tip field");
    assert_eq!(t.category, "other");
    assert_eq!(p.followup_tips, [40].into());
}

#[test]
fn a_follow_up_only_adds_to_the_tip_an_earlier_import_made() {
    let earlier = imported_tip(7, "t1");
    let mut n = numbering(&[("t1", 7)], 8);
    let mut follow = item(Kind::Followup, "t1", "f9", "gambling");
    follow.manifest.reply_public_key = Some("a key the portal made up".into());
    follow.manifest.day = "2026-12-01".into();
    let p = plan(&[follow], "pack", &mut n, |_| Ok(Some(earlier.clone()))).unwrap();
    let t = &p.entries[0];
    assert_eq!(
        t.blobs[..1],
        earlier.blobs[..],
        "what the first import established"
    );
    assert_eq!(t.blobs.len(), 2);
    assert_eq!(
        (&t.category, &t.received, &t.reply_public_key),
        (
            &earlier.category,
            &earlier.received,
            &earlier.reply_public_key
        )
    );
    assert_eq!((p.new_tips, p.new_followups, n.next), (0, 1, 8));
}

#[test]
fn a_tip_item_completes_an_entry_made_from_its_follow_ups() {
    // An earlier import had only the follow-up: its entry has no tip item.
    let f = item(Kind::Followup, "t5", "f1", "");
    let mut from_followup = fresh_entry(3, &f.manifest, &f.fields);
    from_followup
        .blobs
        .push(pack_blob(&f.entry, 0, &f.manifest, "pack-earlier"));
    let mut n = numbering(&[("t5", 3)], 4);
    let p = plan(
        &[item(Kind::Tip, "t5", "b5", "umbrella")],
        "pack",
        &mut n,
        |_| Ok(Some(from_followup.clone())),
    )
    .unwrap();
    let t = &p.entries[0];
    assert_eq!(t.blobs[0].blob_id, "b5");
    assert_eq!(t.blobs[1].blob_id, "f1");
    assert_eq!(t.category, "umbrella");
    assert_eq!((p.new_tips, p.tips_completed), (0, 1));
}

#[test]
fn a_failing_lookup_fails_the_plan() {
    let mut n = numbering(&[("t1", 7)], 8);
    let r = plan(
        &[item(Kind::Followup, "t1", "f1", "")],
        "pack",
        &mut n,
        |_| Err(LedgerError::DbOp("disk".into())),
    );
    assert!(matches!(r, Err(LedgerError::DbOp(_))));
}

#[test]
fn a_hand_over_marks_only_the_tips_this_import_created() {
    let mut entries = vec![imported_tip(2, "old"), imported_tip(9, "new")];
    let early = [imported_tip(10, "early"), imported_tip(9, "new")];
    mark_handed_over(&mut entries, &early, 9);
    let marks: Vec<(u64, bool)> = entries.iter().map(|t| (t.id, t.handed_over)).collect();
    assert_eq!(marks, [(2, false), (9, true), (10, true)]);
}

/// Found by a black-box attack: a reviewer triaged an entry made from a follow-up (its
/// category `other`), then the tip's own item arrived and replaced the reviewer's category
/// without a word.
#[test]
fn regression_a_late_tip_item_replaced_the_category_a_reviewer_had_decided() {
    let f = item(Kind::Followup, "t6", "f1", "");
    let mut triaged = fresh_entry(3, &f.manifest, &f.fields);
    triaged
        .blobs
        .push(pack_blob(&f.entry, 0, &f.manifest, "pack-earlier"));
    triaged.category = "gambling".into();
    triaged.status = crate::Status::Assigned;
    let before_day = triaged.received.clone();
    let mut late = item(Kind::Tip, "t6", "b6", "umbrella");
    late.manifest.day = "2026-11-01".into();
    let mut n = numbering(&[("t6", 3)], 4);
    let p = plan(&[late], "pack", &mut n, |_| Ok(Some(triaged.clone()))).unwrap();
    let t = &p.entries[0];
    assert_eq!(t.category, "gambling", "the reviewer's decision stays");
    assert_eq!(t.status, crate::Status::Assigned);
    assert_eq!(
        t.received, "2026-11-01",
        "the tip's own day completes the entry"
    );
    assert_eq!(p.completed, [(3, before_day, "2026-11-01".to_owned())]);
}
