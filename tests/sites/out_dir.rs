//! `tipbox-review export --out-dir DIR`: every portal's update bundle, all or none.

use super::*;

#[test]
fn regression_export_out_dir_numbered_the_first_bundles_before_a_later_file_failed() {
    // A ledger answering two portals (fixture inboxes, one tip each).
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let mut portals = Vec::new();
    for i in 0..2 {
        let mut inbox = Inbox::new();
        inbox.tip(&Tip::default());
        let bundle = work.path().join(format!("inbox-{i}.tbx"));
        inbox.write(&bundle);
        ledger.ok(&["import", bundle.to_str().unwrap()]);
        portals.push(inbox.portal_id().to_owned());
    }
    // Bundles are written in the order of the portal ids: the later one's file name is
    // taken by a folder, so the code before wrote and numbered the first one's bundle,
    // then stopped.
    portals.sort();
    let dir = work.path().join("out");
    let blocked = dir.join(format!("{}.tbu", portals[1]));
    std::fs::create_dir_all(&blocked).unwrap();
    let audit_before = audit_writes(&ledger);
    let out = ledger.run(&["export", "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!("cannot write {}", blocked.display()))
            && said.contains("not an ordinary file"),
        "{said}"
    );
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        left,
        vec![format!("{}.tbu", portals[1])],
        "only the folder that was there"
    );
    assert_eq!(
        audit_writes(&ledger),
        audit_before,
        "nothing counted as sent"
    );
    // With the folder out of the way, each portal gets bundle 1: none was numbered before.
    std::fs::remove_dir(&blocked).unwrap();
    let said = ledger.ok(&["export", "--out-dir", dir.to_str().unwrap()]);
    for p in &portals {
        assert!(
            said.contains(&format!("update bundle 1 for portal {p}")),
            "{said}"
        );
        assert!(dir.join(format!("{p}.tbu")).is_file());
    }
}
