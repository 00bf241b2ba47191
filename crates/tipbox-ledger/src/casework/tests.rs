//! The casework rules, each against a scratch ledger on a fresh key (no portal, no CLI).

use std::path::PathBuf;

use super::*;
use crate::{Channel, RewardState, Text};
use tipbox_core::receipt::{ClaimToken, ReceiptCode};

struct Scratch {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

fn scratch() -> Scratch {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ledger");
    Ledger::create_layout(&root).unwrap();
    let keys = root.join("keys");
    std::fs::create_dir(&keys).unwrap();
    let identity = age::x25519::Identity::generate();
    std::fs::write(
        keys.join(tipbox_core::keys::RECIPIENT_FILE),
        format!("{}\n", identity.to_public()),
    )
    .unwrap();
    Scratch { _dir: dir, root }
}

impl Scratch {
    fn open(&self) -> Ledger {
        Ledger::open(&self.root, "reviewer").unwrap()
    }
    fn audit_lines(&self) -> usize {
        std::fs::read_to_string(self.root.join("audit.log"))
            .unwrap_or_default()
            .lines()
            .count()
    }
}

fn typed_in<'a>(content: &'a str, received: Option<&'a str>) -> NewTip<'a> {
    NewTip {
        channel: Channel::Phone,
        category: "umbrella",
        received,
        content,
        attachments: &[],
    }
}

/// A web tip as an import records it: a reply key and a claim verifier from its receipt.
fn web_tip(l: &mut Ledger) -> (u64, ClaimToken) {
    let keys = ReceiptCode::generate()
        .derive(&[7; 16], tipbox_core::crypto::KdfParams::INSECURE_FOR_TESTS)
        .unwrap();
    let id = l.next_id().unwrap();
    let mut t = TipEntry::new(id, Channel::Web, &tipbox_core::vocab::today(), "umbrella");
    t.reply_public_key = Some(hex::encode(keys.reply_public));
    t.claim_verifier = Some(keys.claim_token.verifier());
    l.insert_generated(&[t]).unwrap();
    l.sync().unwrap();
    (id, keys.claim_token)
}

fn refused(e: LedgerError) -> Refused {
    match e {
        LedgerError::Refused(r) => r,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[test]
fn add_refuses_what_a_slip_gets_wrong_and_writes_nothing() {
    let s = scratch();
    let mut l = s.open();
    let before = (l.next_id().unwrap(), s.audit_lines());
    let tomorrow_but_one = add_days(&tipbox_core::vocab::today(), 2).unwrap();
    let missing = [s.root.join("no-such-scan.jpg")];
    let cases: Vec<(NewTip, Refused)> = vec![
        (typed_in("  \n", None), Refused::Empty(Text::Content)),
        (
            typed_in("text", Some("2026-13-01")),
            Refused::NotADate {
                flag: "--received",
                given: "2026-13-01".into(),
            },
        ),
        (
            typed_in("text", Some(&tomorrow_but_one)),
            Refused::DayInFuture {
                flag: "--received",
                given: tomorrow_but_one.clone(),
                today: tipbox_core::vocab::today(),
            },
        ),
        (
            NewTip {
                category: "Bad Key!",
                ..typed_in("text", None)
            },
            Refused::NotACategory {
                given: "Bad Key!".into(),
            },
        ),
        (
            NewTip {
                attachments: &missing,
                ..typed_in("text", None)
            },
            Refused::NotAFile(missing[0].clone()),
        ),
    ];
    for (given, want) in cases {
        assert_eq!(refused(l.add(given).unwrap_err()), want);
    }
    assert_eq!((l.next_id().unwrap(), s.audit_lines()), before);
}

#[test]
fn add_files_a_default_category_by_its_key_and_warns_of_a_new_one() {
    let s = scratch();
    let mut l = s.open();
    let first = l
        .add(NewTip {
            category: "其他涉黑涉恶线索",
            ..typed_in("a call about a loan shark", Some("2026-01-02"))
        })
        .unwrap();
    assert_eq!(first.entry.category, "other");
    assert_eq!(first.entry.received, "2026-01-02");
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    let odd = l
        .add(NewTip {
            category: "umbrela",
            ..typed_in("a letter", None)
        })
        .unwrap();
    assert_eq!(odd.warnings, [Warning::NewCategory("umbrela".into())]);
    let again = l
        .add(NewTip {
            category: "umbrela",
            ..typed_in("another letter", None)
        })
        .unwrap();
    assert!(
        again.warnings.is_empty(),
        "a category some tip has is not new"
    );
}

#[test]
fn triage_and_assign_move_a_tip_forward_never_back() {
    let s = scratch();
    let mut l = s.open();
    let id = l
        .add(typed_in("text", Some("2026-03-01")))
        .unwrap()
        .entry
        .id;
    let t = l.triage(id, Triage::default()).unwrap().entry;
    assert_eq!(t.status, Status::Triaged);
    let done = l.assign(id, " 县公安局 ", Some("2026-02-01")).unwrap();
    assert_eq!(done.entry.status, Status::Assigned);
    assert_eq!(done.entry.department.as_deref(), Some("县公安局"));
    assert_eq!(
        done.warnings,
        [Warning::DueBeforeReceived {
            id,
            due: "2026-02-01".into(),
            received: "2026-03-01".into(),
        }]
    );
    let t = l.triage(id, Triage::default()).unwrap().entry;
    assert_eq!(
        t.status,
        Status::Assigned,
        "triage again keeps the assignment"
    );
    assert_eq!(
        refused(l.assign(id, "\u{1b}[2J", None).unwrap_err()),
        Refused::NotADepartment
    );
    assert_eq!(
        refused(l.assign(id, "县公安局", Some("soon")).unwrap_err()),
        Refused::NotADate {
            flag: "--due",
            given: "soon".into()
        }
    );
}

#[test]
fn a_transfer_run_twice_is_refused_unless_a_bundle_was_written_again() {
    let s = scratch();
    let mut l = s.open();
    let id = l.add(typed_in("text", None)).unwrap().entry.id;
    let day = tipbox_core::vocab::today();
    l.transfer(id, "市纪委监委", &day, None).unwrap();
    assert_eq!(
        refused(l.transfer(id, "市纪委监委", &day, None).unwrap_err()),
        Refused::AlreadyTransferred {
            id,
            to: "市纪委监委".into()
        }
    );
    l.transfer(id, "市纪委监委", &day, Some(("out.tbx".into(), "age1test")))
        .unwrap();
    let t = l.get(id).unwrap();
    assert_eq!(t.transfers.len(), 1, "{:?}", t.transfers);
    assert_eq!(t.transfers[0].package.as_deref(), Some("out.tbx"));
    assert_eq!(t.status, Status::Transferred);
}

#[test]
fn notes_and_links_refuse_the_empty_and_the_circular() {
    let s = scratch();
    let mut l = s.open();
    let a = l.add(typed_in("one", None)).unwrap().entry.id;
    let b = l.add(typed_in("two", None)).unwrap().entry.id;
    assert_eq!(
        refused(l.add_note(a, " ").unwrap_err()),
        Refused::Empty(Text::Note)
    );
    assert_eq!(refused(l.link(a, a).unwrap_err()), Refused::LinkedToItself);
    assert!(l.link(a, b).unwrap());
    assert!(!l.link(b, a).unwrap(), "linked already: nothing changes");
    assert_eq!(l.get(a).unwrap().links, [b]);
    assert_eq!(l.get(b).unwrap().links, [a]);
}

#[test]
fn notices_are_numbered_per_year_and_due_when_the_assignment_is() {
    let s = scratch();
    let mut l = s.open();
    let id = l.add(typed_in("text", None)).unwrap().entry.id;
    l.assign(id, "县公安局", Some("2027-01-31")).unwrap();
    assert_eq!(
        refused(
            l.draft_notice(id, "县公安局", Some(" ab "), None)
                .unwrap_err()
        ),
        Refused::SummaryTooShort
    );
    let draft = l.draft_notice(id, "县公安局", None, None).unwrap();
    assert_eq!(draft.due, "2027-01-31");
    let year = &tipbox_core::vocab::today()[..4];
    let first = l.issue_notice(&draft).unwrap();
    assert_eq!(first.number, format!("督字〔{year}〕第0001号"));
    let draft = l
        .draft_notice(id, "县公安局", Some("涉嫌强迫交易"), Some("2027-02-28"))
        .unwrap();
    let second = l.issue_notice(&draft).unwrap();
    assert_eq!(second.number, format!("督字〔{year}〕第0002号"));
    assert_eq!(second.due, "2027-02-28");
    assert_eq!(l.get(id).unwrap().notices.len(), 2);
}

#[test]
fn a_reward_is_approved_corrected_and_paid_once() {
    let s = scratch();
    let mut l = s.open();
    let phoned = l.add(typed_in("text", None)).unwrap().entry.id;
    assert_eq!(
        refused(l.approve_reward(phoned, 500, "2026-12-01").unwrap_err()),
        Refused::NoReceiptForReward {
            id: phoned,
            channel: "phone"
        }
    );
    let (id, token) = web_tip(&mut l);
    assert_eq!(
        refused(l.approve_reward(id, 0, "2026-12-01").unwrap_err()),
        Refused::NoAmount
    );
    assert_eq!(
        refused(
            l.approve_reward(id, MAX_REWARD_YUAN + 1, "2026-12-01")
                .unwrap_err()
        ),
        Refused::AmountTooLarge {
            amount: MAX_REWARD_YUAN + 1
        }
    );
    assert_eq!(
        refused(l.mark_reward_paid(id, "2026-12-01").unwrap_err()),
        Refused::NoRewardApproved { id }
    );
    let (outcome, _) = l.approve_reward(id, 500, "2026-12-01").unwrap();
    assert_eq!(outcome, RewardApproval::Approved);
    let (outcome, _) = l.approve_reward(id, 500, "2026-12-02").unwrap();
    assert_eq!(
        outcome,
        RewardApproval::AlreadyApproved {
            on: "2026-12-01".into()
        }
    );
    let (outcome, done) = l.approve_reward(id, 800, "2026-12-02").unwrap();
    assert_eq!(outcome, RewardApproval::Changed { from: 500 });
    assert_eq!(
        done.entry.reward.as_ref().map(|r| r.state),
        Some(RewardState::Approved)
    );
    l.mark_reward_paid(id, "2026-12-03").unwrap();
    assert_eq!(
        refused(l.mark_reward_paid(id, "2026-12-04").unwrap_err()),
        Refused::RewardAlreadyPaid {
            id,
            on: "2026-12-03".into()
        }
    );
    assert_eq!(
        refused(l.approve_reward(id, 900, "2026-12-04").unwrap_err()),
        Refused::RewardPaid {
            id,
            amount: 800,
            on: "2026-12-03".into()
        }
    );
    let audited = s.audit_lines();
    let found = l.verify_claim(&token).unwrap().map(|t| t.id);
    assert_eq!(found, Some(id));
    let stranger = ClaimToken::parse(&"0".repeat(ClaimToken::DIGITS)).ok();
    if let Some(other) = stranger.filter(|t| t != &token) {
        assert_eq!(l.verify_claim(&other).unwrap().map(|t| t.id), None);
        assert_eq!(s.audit_lines(), audited + 2, "every check is audited");
    }
}

/// Found by a black-box attack: `--due 9999-12-31` kept a tip out of deadline tracking,
/// `--due +2026-12-31` was read as a day, and `--received 0000-01-01` made a report week
/// `-1-W52`.
#[test]
fn regression_reviewer_days_were_read_loosely_and_without_bounds() {
    let s = scratch();
    let mut l = s.open();
    let id = l.add(typed_in("text", None)).unwrap().entry.id;
    for (due, loose) in [
        ("+2026-12-31", true),
        ("2026-12-31T00:00", true),
        ("9999-12-31", false),
    ] {
        let r = refused(l.assign(id, "县公安局", Some(due)).unwrap_err());
        match r {
            Refused::NotADate { .. } => assert!(loose, "{due}: {r}"),
            Refused::DayOutOfRange { .. } => assert!(!loose, "{due}: {r}"),
            other => panic!("{due}: {other}"),
        }
    }
    assert_eq!(
        l.assign(id, "县公安局", Some(" 2027-01-31 "))
            .unwrap()
            .entry
            .assignment_due
            .as_deref(),
        Some("2027-01-31"),
        "spaces around a day are fine"
    );
    for received in ["0000-01-01", "1999-12-31"] {
        assert!(matches!(
            refused(l.add(typed_in("text", Some(received))).unwrap_err()),
            Refused::DayOutOfRange { .. }
        ));
    }
    assert!(matches!(
        refused(
            l.draft_notice(id, "县公安局", None, Some("9999-01-01"))
                .unwrap_err()
        ),
        Refused::DayOutOfRange { .. }
    ));
    l.add(typed_in("text", Some("2000-01-01"))).unwrap();
}

#[test]
fn a_department_name_is_plain_text() {
    assert_eq!(department_name(" 县公安局 ").unwrap(), "县公安局");
    for bad in [
        "",
        "县\u{202e}局",
        "县\u{200b}公安局",
        "县\n局",
        "\u{feff}县公安局",
    ] {
        assert!(department_name(bad).is_err(), "{bad:?}");
    }
}
