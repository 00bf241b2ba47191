//! The bundles that cross the air gap: import (inbox and hand-over bundles) and export (update bundles).

use super::*;
use crate::casework::Said;

pub(crate) fn import(ctx: &Ctx, a: &ImportArgs) -> Result<(), Failure> {
    let ImportArgs {
        file,
        new_portal_key,
    } = a;
    let new_portal_key = match new_portal_key {
        Some(k) => Some(
            hex::decode(k)
                .ok()
                .and_then(|k| <[u8; 32]>::try_from(k).ok())
                .ok_or_else(|| {
                    t!(
                        "cli-not-a-portal-key",
                        given = tipbox::safe_output::label_safe(k)
                    )
                })?,
        ),
        None => None,
    };
    let cli = ctx.cli;
    let who = &ctx.who;
    let unlock = || ctx.unlock();
    let from_stdin = file.as_os_str() == "-";
    let size = if from_stdin {
        None
    } else {
        Some(
            std::fs::metadata(file)
                .map_err(|e| t!("cli-cannot-read", file = file.display(), reason = e))?
                .len(),
        )
    };
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    if let Some(key) = new_portal_key {
        l.accept_new_portal_key(key);
    }
    let ids = unlock()?;
    let bar = match size {
        Some(size) => indicatif::ProgressBar::new(size).with_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{} {{bar:40}} {{bytes}}/{{total_bytes}} ({{eta}})",
                t!("cli-checking")
            ))
            .expect("valid template"),
        ),
        // From a pipe the size is not known: count what went by.
        None => indicatif::ProgressBar::new_spinner().with_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{} {{spinner}} {{bytes}}",
                t!("cli-checking")
            ))
            .expect("valid template"),
        ),
    };
    let summary = if from_stdin {
        let stdin = std::io::stdin().lock();
        l.import_from(Path::new(&t!("cli-standard-input")), stdin, &ids, |n| {
            bar.inc(n)
        })?
    } else {
        l.import(file, &ids, |n| bar.inc(n))?
    };
    bar.finish_and_clear();
    import_said(&l, &summary, &ids)?.print();
    Ok(())
}

/// What an import says (the command line and the desk): what came in, and what to look at.
pub(crate) fn import_said(
    l: &Ledger,
    summary: &ledger::ImportSummary,
    ids: &[tipbox::keys::Identity],
) -> Result<Said, Failure> {
    let mut said = Said::default();
    let from = if summary.handover {
        t!("cli-imported-from-handover")
    } else {
        t!("cli-imported-from-portal", portal = summary.portal_id)
    };
    said.lines.push(t!(
        "cli-imported",
        from = from,
        tips = summary.new_tips,
        followups = summary.new_followups,
        known = summary.already_imported
    ));
    if let Some(old) = &summary.portal_key_replaced {
        said.warnings.push(t!(
            "cli-portal-key-replaced",
            portal = summary.portal_id,
            old = old.as_str(),
            new = summary.portal_key_pinned.as_deref().unwrap_or_default()
        ));
    } else if let Some(key) = &summary.portal_key_pinned {
        said.lines.push(t!(
            "cli-portal-key-pinned",
            portal = summary.portal_id,
            key = key.as_str()
        ));
    }
    if summary.unsigned {
        said.warnings
            .push(t!("cli-portal-unsigned", portal = summary.portal_id));
    }
    if summary.handover_marks_cleared > 0 {
        said.warnings.push(t!(
            "cli-handover-marks-cleared",
            tips = summary.handover_marks_cleared,
            portal = summary.portal_id
        ));
    }
    if summary.tips_completed > 0 {
        said.lines
            .push(t!("cli-tips-completed", tips = summary.tips_completed));
    }
    if summary.left_out_tip_not_held > 0 {
        said.warnings.push(t!(
            "cli-followups-left-out-not-held",
            portal = summary.portal_id,
            count = summary.left_out_tip_not_held
        ));
    }
    if let Some(other) = &summary.site_id_differs_from {
        said.warnings.push(t!(
            "cli-site-id-differs",
            portal = summary.portal_id,
            site = l.site_id_of(&summary.portal_id)?.unwrap_or_default(),
            other = other.as_str(),
            other_site = l.site_id_of(other)?.unwrap_or_default()
        ));
    }
    if summary.left_out_outside_site > 0 {
        said.warnings.push(t!(
            "cli-followups-left-out-outside-site",
            portal = summary.portal_id,
            count = summary.left_out_outside_site
        ));
    }
    if let Some((ours, theirs)) = summary.updates_caught_up {
        said.warnings.push(t!(
            "cli-updates-caught-up",
            portal = summary.portal_id,
            theirs = theirs,
            ours = ours,
            next = theirs.saturating_add(1)
        ));
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
        let tips = listed.join(", ");
        said.lines.push(if more > 0 {
            t!("cli-followups-joined-more", tips = tips, more = more)
        } else {
            t!("cli-followups-joined", tips = tips)
        });
        if let Some(w) = unproven_followups(l, summary.followup_tips.iter().copied(), ids)? {
            said.warnings.push(w);
        }
    }
    Ok(said)
}

pub(crate) fn export(ctx: &Ctx, a: &ExportArgs) -> Result<(), Failure> {
    let ExportArgs {
        out,
        portal,
        out_dir,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
    let key = tipbox::keys::load_signing_key(&l.keys_dir(), &pass)?;
    let targets = match (out, out_dir) {
        (Some(out), _) => vec![ExportTarget::open(&l, portal.clone(), out.clone())?],
        (None, Some(dir)) => export_targets(&l, dir)?,
        (None, None) => unreachable!("clap requires --out or --out-dir"),
    };
    for (out, line) in export_on(&mut l, &key, targets)? {
        report_written(&out, line);
    }
    Ok(())
}

/// Where one update bundle goes, checked and opened before any bundle is numbered: not
/// inside the ledger, not a folder, a device or a link, and its folder writable (its
/// `NAME.partial` is made at once, and removed again if the export does not finish).
pub(crate) struct ExportTarget {
    portal: Option<String>,
    out: PathBuf,
    /// `None`: standard output.
    file: Option<tipbox::durable::AtomicFile>,
}

impl ExportTarget {
    pub(crate) fn open(
        l: &Ledger,
        portal: Option<String>,
        out: PathBuf,
    ) -> Result<ExportTarget, Failure> {
        outside_ledger(l.root(), &out)?;
        let file = if is_stdout(&out) {
            None
        } else {
            Some(tipbox::durable::AtomicFile::create(&out).map_err(cannot_write(&out))?)
        };
        Ok(ExportTarget { portal, out, file })
    }
}

fn cannot_write(out: &Path) -> impl FnOnce(std::io::Error) -> Failure + '_ {
    move |e| {
        Failure(
            EXIT_USAGE,
            t!("cli-cannot-write", file = out.display(), reason = e),
        )
    }
}

/// `--out-dir DIR`: one update bundle for every portal the ledger exports to, as
/// `DIR/PORTAL_ID.tbu` (the folder made if need be), every one of them checked and opened
/// before any is numbered ([`ExportTarget::open`]).
pub(crate) fn export_targets(l: &Ledger, dir: &Path) -> Result<Vec<ExportTarget>, Failure> {
    file_only(dir, "--out-dir")?;
    outside_ledger(l.root(), dir)?;
    std::fs::create_dir_all(dir).map_err(cannot_write(dir))?;
    let portals = l.portals()?;
    if portals.is_empty() {
        return Err(ledger::LedgerError::from(ledger::Refused::NoPortalYet).into());
    }
    // Portal ids were checked where they entered (32 hex digits): safe file names.
    portals
        .into_iter()
        .map(|p| {
            let file = dir.join(format!("{p}.tbu"));
            ExportTarget::open(l, Some(p), file)
        })
        .collect()
}

/// `site add | remove | list`: the office's record of which portals serve one address.
pub(crate) fn site(ctx: &Ctx, a: &SiteArgs) -> Result<(), Failure> {
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    match &a.action {
        SiteAction::Add { portal, with } => {
            let change = l.site_add(portal, with)?;
            println!(
                "{}",
                terminal_safe(&t!(
                    "cli-site-added",
                    portal = portal.as_str(),
                    site = change.site.as_str(),
                    portals = change.members.join(", ")
                ))
                .as_str()
            );
        }
        SiteAction::Remove { portal } => match l.site_remove(portal)? {
            Some(site) => println!(
                "{}",
                terminal_safe(&t!(
                    "cli-site-removed",
                    portal = portal.as_str(),
                    site = site.as_str()
                ))
                .as_str()
            ),
            None => println!(
                "{}",
                terminal_safe(&t!("cli-site-none", portal = portal.as_str())).as_str()
            ),
        },
        SiteAction::List => {
            let sites = l.sites()?;
            if sites.is_empty() {
                println!("{}", t!("cli-site-list-empty"));
            }
            for s in sites {
                println!(
                    "{}",
                    terminal_safe(&t!(
                        "cli-site-list",
                        site = s.site.as_str(),
                        portals = s.members.join(", ")
                    ))
                    .as_str()
                );
            }
        }
    }
    Ok(())
}

/// Write the update bundle of each target (for its portal; the only one if `None`) and
/// count them as sent: what the command line and the desk do. All or none: every bundle is
/// made and written beside its file first, then all are put in place, and only then is
/// any counted (numbered), so that a problem with a later portal's file no longer leaves
/// the first ones numbered and written (test
/// `regression_export_out_dir_numbered_the_first_bundles_before_a_later_file_failed`).
/// Returns what it says, with the file each line is about.
pub(crate) fn export_on(
    l: &mut Ledger,
    key: &tipbox::crypto::SigningKey,
    targets: Vec<ExportTarget>,
) -> Result<Vec<(PathBuf, String)>, Failure> {
    let mut made = Vec::with_capacity(targets.len());
    for mut target in targets {
        let (bytes, summary) = l.export_updates(target.portal.as_deref(), key)?;
        match &mut target.file {
            Some(file) => file.write(&bytes).map_err(cannot_write(&target.out))?,
            None => write_file_durably(&target.out, &bytes)?,
        }
        made.push((target, summary));
    }
    for (target, _) in &mut made {
        if let Some(file) = target.file.take() {
            file.rename().map_err(cannot_write(&target.out))?;
        }
    }
    let mut said = Vec::new();
    for (target, summary) in made {
        l.commit_export(&summary)?;
        said.push((
            target.out.clone(),
            t!(
                "cli-exported",
                sequence = summary.sequence,
                portal = summary.portal_id,
                tips = summary.tips,
                acks = summary.acknowledged,
                file = target.out.display()
            ),
        ));
        if summary.finished_left_out > 0 {
            said.push((
                target.out,
                t!("cli-finished-left-out", tips = summary.finished_left_out),
            ));
        }
    }
    Ok(said)
}

/// Re-seal a tip's items to another unit's recipient, as an inbox bundle it can import.
/// Plaintext streams from one age stream into the other; it never touches the disk.
/// After an import: name the tips that now hold a follow-up not proven to come from the
/// receipt holder (see `show`), so that a made-up follow-up is noticed before it is read
/// as the reporter's word. Decrypts those tips' items once more, in memory.
pub(crate) fn unproven_followups(
    l: &Ledger,
    tips: impl Iterator<Item = u64>,
    ids: &[tipbox::keys::Identity],
) -> Result<Option<String>, Failure> {
    let mut unproven = Vec::new();
    for id in tips {
        let items = l.open_items(&l.get(id)?, ids, |_, _| Ok::<(), Failure>(()))?;
        if ledger::followup_proofs(&items).contains(&Some(FollowupProof::NotProven)) {
            unproven.push(id.to_string());
        }
    }
    Ok((!unproven.is_empty()).then(|| t!("cli-unproven-followups", tips = unproven.join(", "))))
}
