//! Reading tips: show (decrypted, attachments written only where asked) and search.

use super::*;

pub(crate) fn search(ctx: &Ctx, a: &SearchArgs) -> Result<(), Failure> {
    let SearchArgs { text, json } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let unlock = || ctx.unlock();
    let text = text_or_stdin(text)?;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let ids = unlock()?;
    search_tips(&mut l, &ids, &text, *json)
}

pub(crate) fn show(ctx: &Ctx, a: &ShowArgs) -> Result<(), Failure> {
    let ShowArgs {
        tip,
        attachments_to,
        json,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let unlock = || ctx.unlock();
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let entry = l.get(*tip)?;
    let ids = unlock()?;
    show_tip(&l, &entry, &ids, attachments_to.as_deref(), *json)?;
    // Reading a tip is a reviewer action too.
    let detail = if attachments_to.is_some() {
        "decrypted, attachments written"
    } else {
        "decrypted"
    };
    l.audit(ledger::Action::Show, Some(*tip), detail)?;
    Ok(())
}

/// The attachments written: (item, attachment, file name), in their order.
pub(crate) type Written = Vec<(usize, usize, String)>;

/// A tip's items, decrypted, and each attachment written to its file in `attachments_to`
/// as it is decrypted (or nowhere): which file each became, as (item, attachment, name).
pub(crate) fn open_writing_attachments(
    l: &Ledger,
    t: &TipEntry,
    ids: &[tipbox::keys::Identity],
    attachments_to: Option<&Path>,
) -> Result<(Vec<ledger::OpenedItem>, Written), Failure> {
    // Attachments go straight from decryption to their files (or nowhere, without
    // --attachments-to): `show` holds no attachment in memory, whatever its size.
    let mut written = Vec::new();
    let mut current: Option<(std::path::PathBuf, std::fs::File)> = None;
    let mut in_item = (usize::MAX, 0usize);
    if let Some(dir) = attachments_to {
        outside_ledger(l.root(), dir)?;
        // Decrypted evidence: the folder (when made here) and the files are the owner's only.
        tipbox::durable::create_private_dir(dir)
            .map_err(|e| t!("cli-cannot-create", file = dir.display(), reason = e))?;
    }
    let opened = l.open_items(t, ids, |i, piece| -> Result<(), Failure> {
        let Some(dir) = attachments_to else {
            return Ok(());
        };
        match piece {
            AttachmentPiece::Start(start) => {
                let j = if in_item.0 == i { in_item.1 + 1 } else { 0 };
                in_item = (i, j);
                let name = attachment_name(t.id, i + 1, j + 1, &start.name);
                let path = dir.join(&name);
                let f = tipbox::durable::create_new_private_file(&path).map_err(|e| {
                    t!(
                        "cli-cannot-create-attachment",
                        file = path.display(),
                        reason = e
                    )
                })?;
                current = Some((path, f));
                written.push((i, j, name));
            }
            AttachmentPiece::Data(bytes) => {
                if let Some((path, f)) = current.as_mut() {
                    f.write_all(bytes)
                        .map_err(|e| t!("cli-cannot-write", file = path.display(), reason = e))?;
                }
            }
            AttachmentPiece::End(_) => current = None,
        }
        Ok(())
    });
    // A damaged item or a full disk: no truncated copy is left to be mistaken for evidence.
    if let (Err(_), Some((path, f))) = (&opened, current.take()) {
        drop(f);
        let _ = std::fs::remove_file(path);
    }
    let items = opened?;
    Ok((items, written))
}

pub(crate) fn show_tip(
    l: &Ledger,
    t: &TipEntry,
    ids: &[tipbox::keys::Identity],
    attachments_to: Option<&Path>,
    json_out: bool,
) -> Result<(), Failure> {
    let d = l.config.deadlines;
    let (items, written) = open_writing_attachments(l, t, ids, attachments_to)?;
    // Whether each follow-up was added by someone holding the receipt, or may have been
    // made up by whoever ran the portal.
    let proofs = ledger::followup_proofs(&items);
    let mut notes = Vec::new();
    for text in &t.texts {
        let body = l.open_text(text, ids)?;
        notes.push((text.kind, text.day.clone(), text.by.clone(), body));
    }
    if json_out {
        let items_json: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                json!({
                    "kind": item.blob.kind, "day": item.blob.day, "sealed_to": item.blob.sealed_to,
                    "followup_proof": proofs[i],
                    "fields": item.tip.fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
                    "attachments": item.tip.attachments.iter().enumerate().map(|(j, a)| json!({
                        "name": a.start.name, "content_type": a.start.content_type, "size": a.end.size,
                        "metadata_removed": a.end.metadata_removed,
                        "written_as": written.iter().find(|(wi, wj, _)| *wi == i && *wj == j).map(|(_, _, n)| n),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let out = json!({
            "id": t.id, "status": t.status.key(), "public_status": t.status.public().key(), "status_day": t.status_day, "channel": t.channel.key(),
            "handed_over": t.handed_over,
            "category": t.category, "department": t.department, "received": t.received, "due": t.due(&d),
            "priority": t.priority, "credibility": t.credibility, "links": t.links, "transfers": t.transfers,
            "reward_wanted": t.reward_wanted, "items": items_json,
            "texts": notes.iter().map(|(k, day, by, body)| json!({"kind": k, "day": day, "by": by, "text": body.as_str()})).collect::<Vec<_>>(),
        });
        println!("{}", to_json_string(&out, true).expect("json"));
        return Ok(());
    }
    let mut o = String::new();
    let line = |s: String| s + "\n";
    o.push_str(&line(t!(
        "show-head",
        id = t.id,
        received = t.received,
        channel = i18n::channel_word(t.channel.key()),
        handed_over = if t.handed_over {
            t!("show-handed-over")
        } else {
            String::new()
        }
    )));
    o.push_str(&line(t!(
        "show-status",
        status = i18n::status_word(t.status.key()),
        public = i18n::public_word(t.status.public().key()),
        department = t.department.as_deref().unwrap_or("-"),
        due = t.due(&d).unwrap_or_else(|| "-".into())
    )));
    o.push_str(&line(t!(
        "show-category",
        category = t.category,
        priority = t
            .priority
            .map(|p| format!("{p:?}").to_lowercase())
            .unwrap_or_else(|| "-".into()),
        credibility = t
            .credibility
            .map(|c| format!("{c:?}").to_lowercase())
            .unwrap_or_else(|| "-".into()),
        reward = if t.reward_wanted {
            t!("word-yes")
        } else {
            t!("word-no")
        }
    )));
    if !t.links.is_empty() {
        o.push_str(&line(t!(
            "show-links",
            tips = t
                .links
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    for tr in &t.transfers {
        o.push_str(&line(t!("show-transferred", to = tr.to, day = tr.day)));
    }
    for (i, item) in items.iter().enumerate() {
        let label = match item.blob.kind {
            tipbox::tip::Kind::Tip => t!("show-item-tip"),
            tipbox::tip::Kind::Followup => t!("show-item-followup"),
        };
        o.push_str(&format!("\n--- {label} ({}) ---\n", item.blob.day));
        match proofs[i] {
            Some(FollowupProof::ReceiptHolder) => o.push_str(&line(t!("show-proof-holder"))),
            Some(FollowupProof::NotProven) => o.push_str(&line(t!("show-proof-not-proven"))),
            Some(FollowupProof::Unchecked) => o.push_str(&line(t!("show-proof-unchecked"))),
            None => {}
        }
        for (name, value) in &item.tip.fields {
            push_field(&mut o, name, value);
        }
        for (j, a) in item.tip.attachments.iter().enumerate() {
            let written_as = written
                .iter()
                .find(|(wi, wj, _)| *wi == i && *wj == j)
                .map(|(_, _, n)| format!(" -> {n}"))
                .unwrap_or_default();
            o.push_str(&line(t!(
                "show-attachment",
                number = j + 1,
                name = format!("{:?}", a.start.name),
                size = a.end.size,
                kind = if a.start.content_type.is_empty() {
                    t!("show-unknown-type")
                } else {
                    // What the sender's browser said: quoted, on this one line.
                    format!("{:?}", a.start.content_type)
                },
                metadata = if a.end.metadata_removed {
                    t!("show-metadata-removed")
                } else {
                    t!("show-metadata-kept")
                },
                written = written_as
            )));
        }
        // The proof said again after the item: a long text cannot push it out of sight.
        match proofs[i] {
            Some(FollowupProof::ReceiptHolder) => o.push_str(&line(t!("show-end-holder"))),
            Some(FollowupProof::NotProven) => o.push_str(&line(t!("show-end-not-proven"))),
            Some(FollowupProof::Unchecked) => o.push_str(&line(t!("show-end-unchecked"))),
            None => {}
        }
    }
    for (kind, day, by, body) in &notes {
        let label = match kind {
            TextKind::Note => t!("show-text-note"),
            TextKind::Content => t!("show-text-content"),
            TextKind::PublicNote => t!("show-text-public-note"),
            TextKind::Reply => t!("show-text-reply"),
            TextKind::Summary => t!("show-text-summary"),
        };
        // Written in this ledger, by its reviewers: shown as written.
        o.push_str(&format!(
            "\n--- {label} ({day}, {by}) ---\n{}\n",
            body.as_str()
        ));
    }
    print!("{}", terminal_safe(&o).as_str());
    Ok(())
}

pub(crate) fn search_tips(
    l: &mut Ledger,
    ids: &[tipbox::keys::Identity],
    needle: &str,
    json_out: bool,
) -> Result<(), Failure> {
    if needle.trim().is_empty() {
        return Err(Failure(EXIT_USAGE, t!("cli-search-empty")));
    }
    // Ids are dense: the last one is the number of tips.
    let tips = l.next_id()?.saturating_sub(1);
    // Hidden automatically when stderr is not a terminal.
    let bar = indicatif::ProgressBar::new(tips).with_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{} {{bar:40}} {{pos}}/{{len}} ({{eta}})",
            t!("cli-searching")
        ))
        .expect("valid template"),
    );
    let hits = l.search(ids, needle, |n| bar.inc(n))?;
    bar.finish_and_clear();
    // The search text itself is not logged: it may be a name.
    l.audit(
        ledger::Action::Search,
        None,
        &format!("{} match(es)", hits.len()),
    )?;
    if json_out {
        let out: Vec<_> = hits
            .iter()
            .map(|h| json!({"id": h.id, "status": h.status.key(), "category": h.category, "received": h.received, "matched": h.matched}))
            .collect();
        println!("{}", to_json_string(&out, true).expect("json"));
    } else {
        for h in &hits {
            println!(
                "{:>6}  {}  {:<14}  {:<12}  {}",
                h.id,
                h.received,
                terminal_safe(&h.category).as_str(),
                h.status.key(),
                t!(
                    "cli-matched-in",
                    fields = terminal_safe(&h.matched.join(", ")).as_str()
                )
            );
        }
        println!("{}", t!("cli-tips-found", tips = hits.len()));
    }
    Ok(())
}

/// A file name tipbox chooses for an attachment: tip, item and attachment numbers, and the
/// original extension only if it names an inert type (one that a double-click opens in a
/// viewer, never runs). Any other extension is kept as a hint inside the name and the file
/// ends in `.bin`: `run.sh` is written as `tip12-1-1-sh.bin`, not as a script one
/// double-click from running (docs/reviewer-guide.*.md, "Attachments").
pub(crate) fn attachment_name(tip: u64, item: usize, index: usize, original: &str) -> String {
    let ext = original
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()));
    match ext {
        Some(ext) if INERT_EXTENSIONS.contains(&ext.as_str()) => {
            format!("tip{tip}-{item}-{index}.{ext}")
        }
        Some(ext) => format!("tip{tip}-{item}-{index}-{ext}.bin"),
        None => format!("tip{tip}-{item}-{index}.bin"),
    }
}

/// Extensions an attachment keeps: pictures, sound, video, documents, plain text and
/// archives. Not scripts, programs, launchers or anything a browser runs (`.sh`,
/// `.desktop`, `.exe`, `.html`, `.svg`, `.js`, ...).
pub(crate) const INERT_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif", // pictures
    "mp3", "m4a", "aac", "wav", "ogg", "oga", "opus", "amr", "flac", "wma", // sound
    "mp4", "m4v", "mov", "3gp", "avi", "mkv", "webm", "wmv", // video
    "pdf", "txt", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "wps",
    "et", "dps", "ofd", // documents (wps/et/dps: WPS Office; ofd: China's e-document format)
    "zip", "rar", "7z",  // archives: a viewer lists them, nothing runs
    "bin", // what tipbox names anything else
];

/// The fields a tip container holds: printed by their name. Any other name came from
/// whoever sealed the item, and is quoted.
pub(crate) const KNOWN_FIELDS: &[&str] = &[
    "category",
    "location",
    "place",
    "description",
    "reward",
    "message",
    "channel",
];

/// A field of a sealed item: `name: first line`, and every further line behind a gutter,
/// so that nothing a sender wrote can stand at the start of a line and pass for what
/// `show` itself says ("from the receipt holder: yes", "--- Tip ---").
pub(crate) fn push_field(o: &mut String, name: &str, value: &str) {
    if KNOWN_FIELDS.contains(&name) {
        o.push_str(name);
    } else {
        o.push_str(&format!("field {name:?}"));
    }
    let (first, rest) = value.split_once('\n').unwrap_or((value, ""));
    o.push_str(&format!(": {first}\n"));
    if !rest.is_empty() || value.ends_with('\n') {
        push_lines(o, rest);
    }
}

/// Lines of text from outside (a sealed item's field), each behind a gutter
/// (`  | `); a run of more than two empty lines is shown as one line that says so, so that
/// blank lines cannot scroll a warning out of sight.
pub(crate) fn push_lines(o: &mut String, text: &str) {
    let mut empty = 0usize;
    let flush = |o: &mut String, empty: usize| match empty {
        0 => {}
        1 | 2 => o.push_str(&"  |\n".repeat(empty)),
        n => o.push_str(&format!("  | ({})\n", t!("show-empty-lines", lines = n))),
    };
    for line in text.split('\n') {
        if line.trim().is_empty() {
            empty += 1;
            continue;
        }
        flush(o, empty);
        empty = 0;
        o.push_str(&format!("  | {line}\n"));
    }
    flush(o, empty.saturating_sub(1));
}
