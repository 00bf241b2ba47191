//! The reviewer's language. Every word the program says is in one message catalog
//! (Fluent, through i18n-embed: `i18n/<language>/tipbox.ftl`), in English, Simplified and
//! Traditional Chinese. The language is `--lang` if given, else the locale's (`LC_ALL`,
//! `LC_MESSAGES`, `LANG`, in that order, as POSIX reads them), else English.
//!
//! The command line's help is English in `cli.rs` (so that it is also the code's
//! documentation); the other languages replace it from the catalog by the command's path
//! (`help-import`, `help-import-long`, `help-import-arg-bundle`), and a test checks that
//! every command and argument has its text in each of them.

use std::ffi::OsString;
use std::sync::OnceLock;

use i18n_embed::fluent::{fluent_language_loader, FluentLanguageLoader};
use rust_embed::RustEmbed;
use tipbox::vocab::Lang;

mod errors;
pub(crate) use errors::*;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Catalog;

static LOADER: OnceLock<(Lang, FluentLanguageLoader)> = OnceLock::new();

/// Words of the program in `lang`; the first call decides the language for the process.
pub(crate) fn init(lang: Lang) -> &'static FluentLanguageLoader {
    &LOADER
        .get_or_init(|| {
            let loader: FluentLanguageLoader = fluent_language_loader!();
            let wanted = [id_of(lang)];
            i18n_embed::select(&loader, &Catalog, &wanted)
                .expect("the catalog is compiled in and has every language");
            // No invisible isolation marks around arguments: they would reach the terminal
            // (and `safe_output` shows them as escapes). After `select`, which makes the
            // bundles anew.
            loader.set_use_isolating(false);
            (lang, loader)
        })
        .1
}

/// A catalog of its own in `lang`, whatever the process's language (the desk answers
/// each page in the language it was asked for).
#[cfg(feature = "desk")]
pub(crate) fn loader_for(lang: Lang) -> FluentLanguageLoader {
    let loader: FluentLanguageLoader = fluent_language_loader!();
    i18n_embed::select(&loader, &Catalog, &[id_of(lang)])
        .expect("the catalog is compiled in and has every language");
    loader.set_use_isolating(false);
    loader
}

/// The catalog in the chosen language (English if none was chosen yet), or in the
/// language of the desk page being answered on this thread (see [`in_lang`]).
pub(crate) fn loader() -> &'static FluentLanguageLoader {
    #[cfg(feature = "desk")]
    if let Some(lang) = PAGE_LANG.get() {
        return static_loader(lang);
    }
    init(Lang::En)
}

/// The chosen language (or the desk page's).
pub(crate) fn lang() -> Lang {
    #[cfg(feature = "desk")]
    if let Some(lang) = PAGE_LANG.get() {
        return lang;
    }
    loader();
    LOADER.get().map_or(Lang::En, |(l, _)| *l)
}

#[cfg(feature = "desk")]
thread_local! {
    /// The language of the desk page this thread is building, while it builds it.
    static PAGE_LANG: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// One catalog per language for the whole process (the desk's pages).
#[cfg(feature = "desk")]
pub(crate) fn static_loader(lang: Lang) -> &'static FluentLanguageLoader {
    static LOADERS: OnceLock<[FluentLanguageLoader; 3]> = OnceLock::new();
    let all = LOADERS.get_or_init(|| {
        [
            loader_for(Lang::ZhHans),
            loader_for(Lang::ZhHant),
            loader_for(Lang::En),
        ]
    });
    match lang {
        Lang::ZhHans => &all[0],
        Lang::ZhHant => &all[1],
        Lang::En => &all[2],
    }
}

/// Run `f` with every message of the catalog (`t!`, the error texts) in `lang`: the desk
/// says what the command line says, in the language of the page it answers.
#[cfg(feature = "desk")]
pub(crate) fn in_lang<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Lang>);
    impl Drop for Reset {
        fn drop(&mut self) {
            PAGE_LANG.set(self.0);
        }
    }
    let _reset = Reset(PAGE_LANG.replace(Some(lang)));
    f()
}

fn id_of(lang: Lang) -> unic_langid::LanguageIdentifier {
    lang.code().parse().expect("the language codes are valid")
}

/// A message of the catalog: `t!("id")`, `t!("id", name = value, ...)` (values are
/// formatted with `Display` first, so that numbers read as the English always wrote them).
macro_rules! t {
    ($id:literal) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        i18n_embed_fl::fl!($crate::i18n::loader(), $id, $($name = ($value).to_string()),+)
    };
}
pub(crate) use t;

/// A key of `section` as the reviewer reads it: the key in English, its name and key
/// otherwise (`已研判（triaged）`).
fn key_word(section: &str, key: &str) -> String {
    if lang() == Lang::En {
        return key.to_owned();
    }
    report_label(section, Some(key))
        .map_or_else(|| key.to_owned(), |name| format!("{name}（{key}）"))
}

/// A ledger status, as [`key_word`] says it.
pub(crate) fn status_word(key: &str) -> String {
    key_word("status", key)
}

/// A channel (how a tip came in), as [`key_word`] says it.
pub(crate) fn channel_word(key: &str) -> String {
    key_word("channel", key)
}

/// A public status (what the reporter sees), as [`key_word`] says it.
pub(crate) fn public_word(key: &str) -> String {
    key_word("public_status", key)
}

/// The language asked for: `--lang` on the command line (read before the command line is
/// parsed, so that its help and errors are in that language), else the locale.
pub(crate) fn choose(args: &[OsString]) -> Lang {
    let mut given = None;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            given = Some(v.to_owned());
        } else if a == "--lang" {
            given = it.next().map(|v| v.to_string_lossy().into_owned());
        }
    }
    given
        .and_then(|code| Lang::from_code(&code))
        .or_else(|| from_locale(|var| std::env::var(var).ok()))
        .unwrap_or(Lang::En)
}

/// The locale's language: the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that is set and not
/// empty decides (`zh_CN.UTF-8` is zh-Hans, `zh_TW.UTF-8` zh-Hant; `C` and `POSIX` are
/// English).
fn from_locale(var: impl Fn(&str) -> Option<String>) -> Option<Lang> {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|v| !v.is_empty()))?;
    let name = value.split(['.', '@']).next().unwrap_or_default();
    if name == "C" || name == "POSIX" {
        return Some(Lang::En);
    }
    Lang::from_code(&name.replace('_', "-"))
}

/// The command line's help in the chosen language (English stays as `cli.rs` has it).
pub(crate) fn localize(cmd: clap::Command) -> clap::Command {
    if lang() == Lang::En {
        return cmd;
    }
    let l = loader();
    let cmd = localize_command(cmd, "help", l);
    let heading = |id: &str| l.get(id);
    cmd.help_template(format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        heading("clap-usage")
    ))
    .next_help_heading(heading("clap-options"))
    .subcommand_help_heading(heading("clap-commands"))
}

fn localize_command(mut cmd: clap::Command, path: &str, l: &FluentLanguageLoader) -> clap::Command {
    let text = |id: &str| l.has(id).then(|| l.get(id));
    if let Some(about) = text(path) {
        cmd = cmd.about(about);
    }
    if let Some(long) = text(&format!("{path}-long")) {
        cmd = cmd.long_about(long);
    }
    if let Some(after) = text(&format!("{path}-after")) {
        cmd = cmd.after_help(after.clone()).after_long_help(after);
    }
    let args: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_global_set() || path == "help")
        .map(|a| a.get_id().to_string())
        .collect();
    for arg in args {
        let short = text(&format!("{path}-arg-{arg}"));
        let long = text(&format!("{path}-arg-{arg}-long"));
        cmd = cmd.mut_arg(&arg, |mut a| {
            if let Some(help) = short {
                a = a.help(help);
            }
            if let Some(help) = long {
                a = a.long_help(help);
            }
            a
        });
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for sub in subs {
        let sub_path = format!("{path}-{sub}");
        cmd = cmd.mut_subcommand(&sub, |s| {
            localize_command(s, &sub_path, l)
                .next_help_heading(l.get("clap-options"))
                .subcommand_help_heading(l.get("clap-commands"))
                .help_template(format!(
                    "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
                    l.get("clap-usage")
                ))
        });
    }
    cmd.disable_help_flag(true).disable_version_flag(true).arg(
        clap::Arg::new("help")
            .short('h')
            .long("help")
            .action(clap::ArgAction::Help)
            .help(l.get("clap-help")),
    )
}

/// Every help text the catalog must have for `cmd`: `(id, English)`.
#[cfg(test)]
pub(crate) fn help_ids(cmd: &clap::Command, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(about) = cmd.get_about() {
        out.push((path.to_owned(), about.to_string()));
    }
    if let Some(long) = cmd.get_long_about() {
        out.push((format!("{path}-long"), long.to_string()));
    }
    if let Some(after) = cmd.get_after_help() {
        out.push((format!("{path}-after"), after.to_string()));
    }
    for a in cmd.get_arguments() {
        if a.is_global_set() && path != "help" {
            continue;
        }
        if let Some(help) = a.get_help() {
            out.push((format!("{path}-arg-{}", a.get_id()), help.to_string()));
        }
        if let Some(long) = a.get_long_help() {
            out.push((format!("{path}-arg-{}-long", a.get_id()), long.to_string()));
        }
    }
    for s in cmd.get_subcommands() {
        help_ids(s, &format!("{path}-{}", s.get_name()), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn loader_for(lang: Lang) -> FluentLanguageLoader {
        let loader: FluentLanguageLoader = fluent_language_loader!();
        i18n_embed::select(&loader, &Catalog, &[id_of(lang)]).unwrap();
        loader
    }

    /// `TIPBOX_DUMP_HELP=FILE` writes every help text with its id (English, for translators).
    #[test]
    fn every_command_and_argument_has_its_help_in_every_language() {
        let mut ids = Vec::new();
        help_ids(&crate::Cli::command(), "help", &mut ids);
        assert!(ids.len() > 50, "{}", ids.len());
        if let Some(file) = std::env::var_os("TIPBOX_DUMP_HELP") {
            let mut ftl = String::new();
            for (id, en) in &ids {
                ftl.push_str(&format!("{id} =\n"));
                for line in en.lines() {
                    ftl.push_str(&format!("    {line}\n"));
                }
            }
            std::fs::write(file, ftl).unwrap();
        }
        for lang in [Lang::ZhHans, Lang::ZhHant] {
            let l = loader_for(lang);
            let missing: Vec<&str> = ids
                .iter()
                .map(|(id, _)| id.as_str())
                .filter(|id| !l.has(id))
                .collect();
            assert!(
                missing.is_empty(),
                "{}: no text for {missing:?}",
                lang.code()
            );
        }
        let en = loader_for(Lang::En);
        let in_english: Vec<&str> = ids
            .iter()
            .map(|(id, _)| id.as_str())
            .filter(|id| en.has(id))
            .collect();
        assert!(
            in_english.is_empty(),
            "English help lives in cli.rs, not the catalog: {in_english:?}"
        );
    }

    #[test]
    fn the_locale_decides_the_language_unless_lang_is_given() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            from_locale(env(&[("LANG", "zh_CN.UTF-8")])),
            Some(Lang::ZhHans)
        );
        assert_eq!(
            from_locale(env(&[("LANG", "zh_TW.UTF-8")])),
            Some(Lang::ZhHant)
        );
        assert_eq!(from_locale(env(&[("LANG", "C.UTF-8")])), Some(Lang::En));
        assert_eq!(
            from_locale(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "zh_CN.UTF-8")])),
            Some(Lang::En),
            "LC_ALL first"
        );
        assert_eq!(
            from_locale(env(&[("LC_ALL", ""), ("LC_MESSAGES", "zh_CN.UTF-8")])),
            Some(Lang::ZhHans),
            "an empty variable is not set"
        );
        assert_eq!(from_locale(env(&[])), None);
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            choose(&args(&["tipbox-review", "--lang", "zh-Hans", "list"])),
            Lang::ZhHans
        );
        assert_eq!(
            choose(&args(&["tipbox-review", "list", "--lang=zh-hant"])),
            Lang::ZhHant
        );
    }
}

/// A message of the catalog by an id chosen at run time, with its arguments (all text:
/// numbers are formatted by the caller, as the English messages format them).
pub(crate) fn get(id: &str, args: &[(&str, String)]) -> String {
    let args: std::collections::HashMap<&str, String> = args.iter().cloned().collect();
    loader().get_args(id, args)
}

/// A word of the `report` table in the chosen language: a section, or a row's key
/// (`report-SECTION`, `report-SECTION-KEY`; default categories by their names). `None`:
/// as the CSV writes it.
pub(crate) fn report_label(section: &str, key: Option<&str>) -> Option<String> {
    let lang = lang();
    if lang == Lang::En {
        return None;
    }
    label_in(loader(), lang, section, key)
}

/// A section's or key's name in `lang` from `l` (a default category by its own names, the
/// rest as `report-SECTION[-KEY]`), if it has one: the report table and the desk's pages.
pub(crate) fn label_in(
    l: &FluentLanguageLoader,
    lang: Lang,
    section: &str,
    key: Option<&str>,
) -> Option<String> {
    if let (Some(key), "category") = (key, section) {
        return tipbox::vocab::default_categories()
            .into_iter()
            .find(|c| c.key == key)
            .map(|c| c.label(lang).to_owned());
    }
    let id = match key {
        Some(key) => format!("report-{section}-{key}"),
        None => format!("report-{section}"),
    };
    l.has(&id).then(|| l.get(&id))
}

/// A warning of the ledger's, in the chosen language (`warning-*`).
pub(crate) fn warning(w: &tipbox::ledger::casework::Warning) -> String {
    use tipbox::ledger::casework::Warning::*;
    if lang() == Lang::En {
        return w.to_string();
    }
    let s = |v: &dyn std::fmt::Display| v.to_string();
    let (id, args) = match w {
        NewCategory(key) => (
            "warning-new-category",
            vec![
                ("key", s(key)),
                ("keys", tipbox::ledger::casework::default_category_keys()),
            ],
        ),
        DueBeforeReceived { id, due, received } => (
            "warning-due-before-received",
            vec![("id", s(id)), ("due", s(due)), ("received", s(received))],
        ),
        TransferredNowhere { id } => ("warning-transferred-nowhere", vec![("id", s(id))]),
        PublicRecordRemoved { id, day } => (
            "warning-public-record-removed",
            vec![
                ("id", s(id)),
                ("day", s(day)),
                ("days", s(&tipbox::vocab::DEFAULT_RETENTION_DAYS)),
            ],
        ),
    };
    get(id, &args)
}

/// What the ledger says on the way, in the chosen language (`progress-*`).
pub(crate) fn progress(p: &tipbox::ledger::Progress) -> String {
    use tipbox::ledger::Progress::*;
    if lang() == Lang::En {
        return p.to_string();
    }
    match p {
        MadePrivate(root) => get(
            "progress-made-private",
            &[("folder", root.display().to_string())],
        ),
        RebuildingSummaries => get("progress-rebuilding-summaries", &[]),
        WaitingForLock => get("progress-waiting-for-lock", &[]),
    }
}

/// "warning", in the chosen language.
pub(crate) fn warning_word() -> String {
    if lang() == Lang::En {
        return "warning".into();
    }
    get("word-warning", &[])
}

/// What the ledger refused, in the chosen language: each refusal has its message in the
/// catalog (`refused-*`), English is the ledger's own text.
pub(crate) fn refused(r: &tipbox::ledger::Refused) -> String {
    if lang() == Lang::En {
        return r.to_string();
    }
    let (id, args) = refused_id(r);
    get(id, &args)
}

/// The catalog id of a refusal and its arguments.
fn refused_id(r: &tipbox::ledger::Refused) -> (&'static str, Vec<(&'static str, String)>) {
    use tipbox::ledger::{Refused::*, Text};
    let s = |v: &dyn std::fmt::Display| v.to_string();
    match r {
        NotACategory { given } => (
            "refused-not-a-category",
            vec![
                ("given", format!("{given:?}")),
                ("keys", tipbox::ledger::casework::default_category_keys()),
            ],
        ),
        NotADepartment => ("refused-not-a-department", vec![]),
        NotADate { flag, given } => (
            "refused-not-a-date",
            vec![("flag", s(flag)), ("given", format!("{given:?}"))],
        ),
        DayOutOfRange {
            flag,
            given,
            earliest,
            latest,
        } => (
            "refused-day-out-of-range",
            vec![
                ("flag", s(flag)),
                ("given", s(given)),
                ("earliest", s(earliest)),
                ("latest", s(latest)),
            ],
        ),
        DayInFuture { flag, given, today } => (
            "refused-day-in-future",
            vec![("flag", s(flag)), ("given", s(given)), ("today", s(today))],
        ),
        Empty(Text::Reply) => ("refused-empty-reply", vec![]),
        Empty(Text::Note) => ("refused-empty-note", vec![]),
        Empty(Text::Content) => ("refused-empty-content", vec![]),
        SummaryTooShort => ("refused-summary-too-short", vec![]),
        NotAFile(path) => ("refused-not-a-file", vec![("path", s(&path.display()))]),
        LinkedToItself => ("refused-linked-to-itself", vec![]),
        AlreadyTransferred { id, to } => (
            "refused-already-transferred",
            vec![("id", s(id)), ("to", s(to))],
        ),
        NoAmount => ("refused-no-amount", vec![]),
        AmountTooLarge { amount } => (
            "refused-amount-too-large",
            vec![
                ("amount", s(amount)),
                ("max", s(&tipbox::ledger::casework::MAX_REWARD_YUAN)),
            ],
        ),
        RewardPaid { id, amount, on } => (
            "refused-reward-paid",
            vec![("id", s(id)), ("amount", s(amount)), ("on", s(on))],
        ),
        NoRewardApproved { id } => ("refused-no-reward-approved", vec![("id", s(id))]),
        RewardAlreadyPaid { id, on } => (
            "refused-reward-already-paid",
            vec![("id", s(id)), ("on", s(on))],
        ),
        NoReceiptForReward { id, channel } => (
            "refused-no-receipt-for-reward",
            vec![("id", s(id)), ("channel", s(channel))],
        ),
        AnsweredByOtherUnit { id } => ("refused-answered-by-other-unit", vec![("id", s(id))]),
        NoReceipt { id, channel } => (
            "refused-no-receipt",
            vec![("id", s(id)), ("channel", s(channel))],
        ),
        TooLongForReporter { chars } => (
            "refused-too-long-for-reporter",
            vec![
                ("chars", s(chars)),
                ("max", s(&tipbox::ledger::MAX_PUBLIC_TEXT_CHARS)),
            ],
        ),
        NothingToHandOver { id } => ("refused-nothing-to-hand-over", vec![("id", s(id))]),
        NoTipFromPortal(p) => (
            "refused-no-tip-from-portal",
            vec![("portal", s(&tipbox::safe_output::label_safe(p)))],
        ),
        NoPortalYet => ("refused-no-portal-yet", vec![]),
        SeveralPortals(ps) => (
            "refused-several-portals",
            vec![(
                "portals",
                ps.iter()
                    .map(|p| tipbox::safe_output::label_safe(p))
                    .collect::<Vec<_>>()
                    .join(", "),
            )],
        ),
        NotAPortalId(p) => (
            "refused-not-a-portal-id",
            vec![("portal", s(&tipbox::safe_output::label_safe(p)))],
        ),
        SiteWithItself => ("refused-site-with-itself", vec![]),
        InAnotherSite { portal, site } => (
            "refused-in-another-site",
            vec![("portal", s(portal)), ("site", s(site))],
        ),
        OtherReceiptParameters {
            portal,
            with,
            portal_site_id,
            with_site_id,
        } => (
            "refused-other-receipt-parameters",
            vec![
                ("portal", s(portal)),
                ("with", s(with)),
                ("portal_site", s(portal_site_id)),
                ("with_site", s(with_site_id)),
            ],
        ),
    }
}

#[cfg(test)]
mod catalog_tests {
    use super::*;

    fn ids(lang: &str) -> Vec<String> {
        let file = Catalog::get(&format!("{lang}/tipbox.ftl")).expect("the catalog has it");
        std::str::from_utf8(&file.data)
            .unwrap()
            .lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_message_of_the_english_catalog_is_in_every_language() {
        let english = ids("en");
        assert!(english.len() > 20, "{english:?}");
        for lang in ["zh-Hans", "zh-Hant"] {
            let theirs = ids(lang);
            let missing: Vec<&String> = english.iter().filter(|id| !theirs.contains(id)).collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let loader: FluentLanguageLoader = fluent_language_loader!();
            i18n_embed::select(&loader, &Catalog, &[lang.parse().unwrap()]).unwrap();
            for id in &theirs {
                assert!(loader.has(id), "{lang}: {id} does not parse");
            }
        }
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;
    use tipbox::ledger::{Channel, Keyed};

    /// Every word of the table but the data (departments, weeks, other units): labelled.
    #[test]
    fn the_report_table_has_every_heading_and_fixed_key_in_chinese() {
        let r = tipbox::ledger::report::compute(
            std::iter::empty(),
            None,
            None,
            &Default::default(),
            "2026-12-07",
        );
        let mut words: Vec<(String, Option<String>)> = r
            .rows()
            .into_iter()
            .flat_map(|(section, key, _)| [(section.clone(), None), (section, Some(key))])
            .collect();
        for c in Channel::ALL {
            words.push(("channel".into(), Some(c.key().into())));
        }
        for section in [
            "category",
            "channel",
            "department",
            "week",
            "transferred_to",
        ] {
            words.push((section.into(), None));
        }
        for lang in [Lang::ZhHans, Lang::ZhHant] {
            let loader: FluentLanguageLoader = fluent_language_loader!();
            i18n_embed::select(&loader, &Catalog, &[id_of(lang)]).unwrap();
            for (section, key) in &words {
                let id = match key {
                    Some(k) => format!("report-{section}-{k}"),
                    None => format!("report-{section}"),
                };
                assert!(loader.has(&id), "{}: no {id}", lang.code());
            }
        }
    }
}

#[cfg(test)]
mod refused_tests {
    use super::*;
    use tipbox::ledger::{Refused, Text};

    /// One of each refusal.
    pub(crate) fn every_refusal() -> Vec<Refused> {
        vec![
            Refused::NotACategory { given: "x".into() },
            Refused::NotADepartment,
            Refused::NotADate {
                flag: "--due",
                given: "x".into(),
            },
            Refused::DayOutOfRange {
                flag: "--due",
                given: "9999-12-31".into(),
                earliest: "2000-01-01".into(),
                latest: "2036-12-07".into(),
            },
            Refused::DayInFuture {
                flag: "--received",
                given: "2099-01-01".into(),
                today: "2026-12-07".into(),
            },
            Refused::Empty(Text::Reply),
            Refused::Empty(Text::Note),
            Refused::Empty(Text::Content),
            Refused::SummaryTooShort,
            Refused::NotAFile("a.jpg".into()),
            Refused::LinkedToItself,
            Refused::AlreadyTransferred {
                id: 1,
                to: "县公安局".into(),
            },
            Refused::NoAmount,
            Refused::AmountTooLarge { amount: 1 << 40 },
            Refused::RewardPaid {
                id: 1,
                amount: 500,
                on: "2026-12-01".into(),
            },
            Refused::NoRewardApproved { id: 1 },
            Refused::RewardAlreadyPaid {
                id: 1,
                on: "2026-12-01".into(),
            },
            Refused::NoReceiptForReward {
                id: 1,
                channel: "phone",
            },
            Refused::AnsweredByOtherUnit { id: 1 },
            Refused::NoReceipt {
                id: 1,
                channel: "phone",
            },
            Refused::TooLongForReporter { chars: 20_000 },
            Refused::NothingToHandOver { id: 1 },
            Refused::NoTipFromPortal("p".into()),
            Refused::NoPortalYet,
            Refused::SeveralPortals(vec!["a".into(), "b".into()]),
            Refused::NotAPortalId("x".into()),
            Refused::SiteWithItself,
            Refused::InAnotherSite {
                portal: "a".into(),
                site: "b".into(),
            },
            Refused::OtherReceiptParameters {
                portal: "a".into(),
                with: "b".into(),
                portal_site_id: "c".into(),
                with_site_id: "d".into(),
            },
        ]
    }

    #[test]
    fn every_warning_and_progress_is_said_in_every_language() {
        use tipbox::ledger::casework::Warning;
        use tipbox::ledger::Progress;
        for lang in [Lang::ZhHans, Lang::ZhHant] {
            let loader: FluentLanguageLoader = fluent_language_loader!();
            i18n_embed::select(&loader, &Catalog, &[id_of(lang)]).unwrap();
            for id in [
                "warning-new-category",
                "warning-due-before-received",
                "warning-transferred-nowhere",
                "warning-public-record-removed",
                "progress-made-private",
                "progress-rebuilding-summaries",
                "progress-waiting-for-lock",
                "word-warning",
                "error-no-such-tip",
                "error-not-a-ledger",
                "error-recipient-file-missing",
                "error-db",
                "error-wrong-passphrase",
                "error-key-too-open",
            ] {
                assert!(loader.has(id), "{}: no {id}", lang.code());
            }
        }
        // Every variant has an id (the matches above are exhaustive; this names them).
        let _ = [
            Warning::NewCategory(String::new()),
            Warning::DueBeforeReceived {
                id: 1,
                due: String::new(),
                received: String::new(),
            },
            Warning::TransferredNowhere { id: 1 },
            Warning::PublicRecordRemoved {
                id: 1,
                day: String::new(),
            },
        ];
        let _ = [
            Progress::MadePrivate("x".into()),
            Progress::RebuildingSummaries,
            Progress::WaitingForLock,
        ];
    }

    #[test]
    fn every_refusal_is_said_in_every_language_with_its_values() {
        for lang in [Lang::ZhHans, Lang::ZhHant] {
            let loader: FluentLanguageLoader = fluent_language_loader!();
            i18n_embed::select(&loader, &Catalog, &[id_of(lang)]).unwrap();
            loader.set_use_isolating(false);
            for r in every_refusal() {
                let (id, args) = refused_id(&r);
                assert!(loader.has(id), "{}: no {id}", lang.code());
                let map: std::collections::HashMap<&str, String> = args.iter().cloned().collect();
                let text = loader.get_args(id, map);
                for (name, value) in &args {
                    assert!(
                        text.contains(value.as_str()),
                        "{}: {id} does not show ${name} ({value}): {text}",
                        lang.code()
                    );
                }
                assert!(!text.contains('{'), "{id}: {text}");
            }
        }
    }
}
