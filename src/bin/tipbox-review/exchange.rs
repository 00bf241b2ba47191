//! The bundles that cross the air gap: import (inbox and hand-over bundles) and export (update bundles).

use super::*;

pub(crate) fn import(ctx: &Ctx, a: &ImportArgs) -> Result<(), Failure> {
    let ImportArgs { file } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let unlock = || ctx.unlock();
    let from_stdin = file.as_os_str() == "-";
    let size = if from_stdin {
        None
    } else {
        Some(
            std::fs::metadata(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?
                .len(),
        )
    };
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let ids = unlock()?;
    let bar = match size {
        Some(size) => indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template(
                "checking {bar:40} {bytes}/{total_bytes} ({eta})",
            )
            .expect("valid template"),
        ),
        // From a pipe the size is not known: count what went by.
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template("checking {spinner} {bytes}")
                .expect("valid template"),
        ),
    };
    let summary = if from_stdin {
        let stdin = std::io::stdin().lock();
        l.import_from(Path::new("standard input"), stdin, &ids, |n| bar.inc(n))?
    } else {
        l.import(file, &ids, |n| bar.inc(n))?
    };
    bar.finish_and_clear();
    let from = if summary.handover {
        "a hand-over bundle from another unit (its tips are answered by that unit: \
         `export` leaves them out)"
            .to_owned()
    } else {
        format!("portal {}", summary.portal_id)
    };
    println!(
        "imported from {from}: {} new tip(s), {} new follow-up(s), {} already imported",
        summary.new_tips, summary.new_followups, summary.already_imported
    );
    if summary.handover_marks_cleared > 0 {
        eprintln!(
            "tipbox-review: warning: {} tip(s) of portal {} had come in a bundle that \
             called itself another unit's hand-over, and were marked as that unit's \
             (left out of exports, unanswered). This is that portal's own bundle: they \
             are its tips, and are no longer marked. A portal that sent such a bundle \
             may have been taken over: have it checked",
            summary.handover_marks_cleared, summary.portal_id
        );
    }
    if summary.tips_completed > 0 {
        println!(
            "{} tip(s) made earlier from follow-ups whose tip had not arrived received \
             their own item",
            summary.tips_completed
        );
    }
    if let Some((ours, theirs)) = summary.updates_caught_up {
        eprintln!(
            "tipbox-review: warning: portal {} has applied update bundle {theirs}, but this \
             ledger had exported only up to bundle {ours} to it. This ledger is older than \
             what the portal last received: it was restored from an older backup, or is a \
             copy. Status changes, replies and reward decisions made after that backup are \
             not in it; make them again before the next export, or reporters will see the \
             older state. The next export continues from bundle {}.",
            summary.portal_id,
            theirs + 1
        );
    }
    if !summary.followup_tips.is_empty() {
        const SHOWN: usize = 30;
        let listed: Vec<String> = summary
            .followup_tips
            .iter()
            .take(SHOWN)
            .map(u64::to_string)
            .collect();
        let more = summary.followup_tips.len().saturating_sub(SHOWN);
        println!(
            "follow-ups joined tip(s) {}{}: `tipbox-review show TIP` reads them",
            listed.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
        warn_unproven_followups(&l, summary.followup_tips.iter().copied(), &ids)?;
    }
    Ok(())
}

pub(crate) fn export(ctx: &Ctx, a: &ExportArgs) -> Result<(), Failure> {
    let ExportArgs { out, portal } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
    let key = tipbox::keys::load_signing_key(&l.keys_dir(), &pass)?;
    let (bytes, summary) = l.export_updates(portal.as_deref(), &key)?;
    write_file_durably(out, &bytes)?;
    l.commit_export(&summary)?;
    report_written(
        out,
        format!(
            "update bundle {} for portal {}: {} tip(s) with public changes, {} acknowledgement(s) -> {}",
            summary.sequence,
            summary.portal_id,
            summary.tips,
            summary.acknowledged,
            out.display()
        ),
    );
    if summary.finished_left_out > 0 {
        report_written(
            out,
            format!(
                "{} finished tip(s) left out: their public state is older than [publishing] finished_days",
                summary.finished_left_out
            ),
        );
    }
    Ok(())
}

/// Re-seal a tip's items to another unit's recipient, as an inbox bundle it can import.
/// Plaintext streams from one age stream into the other; it never touches the disk.
/// After an import: name the tips that now hold a follow-up not proven to come from the
/// receipt holder (see `show`), so that a made-up follow-up is noticed before it is read
/// as the reporter's word. Decrypts those tips' items once more, in memory.
pub(crate) fn warn_unproven_followups(
    l: &Ledger,
    tips: impl Iterator<Item = u64>,
    ids: &[tipbox::keys::Identity],
) -> Result<(), Failure> {
    let mut unproven = Vec::new();
    for id in tips {
        let items = l.open_items(&l.get(id)?, ids, |_, _| Ok::<(), Failure>(()))?;
        if ledger::followup_proofs(&items).contains(&Some(FollowupProof::NotProven)) {
            unproven.push(id.to_string());
        }
    }
    if !unproven.is_empty() {
        eprintln!(
            "tipbox-review: warning: tip(s) {} hold a follow-up NOT PROVEN to come from the \
             reporter: it carries no valid signature by the tip's receipt key, so it may have \
             been made up by whoever controlled the portal. `tipbox-review show TIP` marks it; \
             do not act on it as the reporter's word without other grounds",
            unproven.join(", ")
        );
    }
    Ok(())
}
