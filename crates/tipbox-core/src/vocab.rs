//! The vocabulary both sides agree on: languages, tip categories and their defaults, days
//! and identifiers. The portal shows these words; the ledger files tips under them.

use serde::{Deserialize, Serialize};

/// How long a finished tip's public record stays on the portal, by default
/// (`retention_days`). The ledger counts the same days for "gone from the portal".
pub const DEFAULT_RETENTION_DAYS: u32 = 180;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    ZhHans,
    ZhHant,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhHans => "简体中文",
            Lang::ZhHant => "繁體中文",
            Lang::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        match c.as_str() {
            "zh-hans" | "zh-cn" | "zh-sg" | "zh-hans-cn" | "zh" => Some(Lang::ZhHans),
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => {
                Some(Lang::ZhHant)
            }
            _ if c == "en" || c.starts_with("en-") => Some(Lang::En),
            _ if c.starts_with("zh-hant") => Some(Lang::ZhHant),
            _ if c.starts_with("zh") => Some(Lang::ZhHans),
            _ => None,
        }
    }
}

/// A category offered on the form, with its label in each language.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub key: String,
    #[serde(rename = "zh-Hans")]
    pub zh_hans: String,
    #[serde(rename = "zh-Hant")]
    pub zh_hant: String,
    pub en: String,
}

impl Category {
    pub fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhHans => &self.zh_hans,
            Lang::ZhHant => &self.zh_hant,
            Lang::En => &self.en,
        }
    }
}

/// The kinds of gang crime the campaign targets (from the offices' public reports), the
/// officials who shield them, and "other".
pub fn default_categories() -> Vec<Category> {
    let c = |key: &str, hans: &str, hant: &str, en: &str| Category {
        key: key.into(),
        zh_hans: hans.into(),
        zh_hant: hant.into(),
        en: en.into(),
    };
    vec![
        c(
            "umbrella",
            "公职人员充当“保护伞”",
            "公職人員充當「保護傘」",
            "Officials shielding gangs (\"protective umbrella\")",
        ),
        c(
            "village-tyrant",
            "村霸、宗族恶势力",
            "村霸、宗族惡勢力",
            "Village tyrants and clan gangs",
        ),
        c(
            "market-bully",
            "欺行霸市、强买强卖、收保护费",
            "欺行霸市、強買強賣、收保護費",
            "Market bullying, forced trading, protection money",
        ),
        c(
            "loan-shark",
            "套路贷、非法高利放贷、暴力催收",
            "套路貸、非法高利放貸、暴力催收",
            "Predatory loans and violent debt collection",
        ),
        c(
            "land-projects",
            "强揽工程、非法占地、非法采砂采矿",
            "強攬工程、非法佔地、非法採砂採礦",
            "Seized contracts, illegal land use, illegal sand mining",
        ),
        c(
            "vice",
            "黄赌毒",
            "黃賭毒",
            "Gambling, drugs and prostitution rings",
        ),
        c(
            "violence",
            "寻衅滋事、聚众斗殴、暴力伤害",
            "尋釁滋事、聚眾鬥毆、暴力傷害",
            "Intimidation, gang fights and violence",
        ),
        c(
            "other",
            "其他涉黑涉恶线索",
            "其他涉黑涉惡線索",
            "Other gang-related information",
        ),
    ]
}

/// Today's date in UTC as `YYYY-MM-DD`: the only time either side records.
pub fn today() -> String {
    Day::today().to_string()
}

/// A calendar day (UTC; never a time of day), written `YYYY-MM-DD` in files, bundles and
/// outputs. Days are compared and counted as `Day`s, never as text. Stored records keep
/// their days as the text they were written with (a ledger's older entries may hold
/// anything a portal sent before days were checked where they enter); code reads them
/// with [`Day::parse`] and treats `None` as "no usable day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(time::Date);

impl Day {
    /// Today by this machine's clock, in UTC.
    pub fn today() -> Day {
        Day(time::OffsetDateTime::now_utc().date())
    }

    /// A day as bundles write it, `YYYY-MM-DD` and nothing else (no sign, no spaces, no
    /// time), that exists in the calendar. `None` for anything else: `2026-02-30`,
    /// `+275760-09-13`, ` 2026-01-01`. For everything that comes from outside.
    pub fn strict(s: &str) -> Option<Day> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return None;
        }
        let year: i32 = s[0..4].parse().ok()?;
        let month: u8 = s[5..7].parse().ok()?;
        let day: u8 = s[8..10].parse().ok()?;
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day)
            .ok()
            .map(Day)
    }

    /// A day as a person typed it or a record holds it: `YYYY-MM-DD`, surrounding
    /// spaces allowed.
    pub fn parse(s: &str) -> Option<Day> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(s.trim(), &format).ok().map(Day)
    }

    /// `days` later (earlier if negative); `None` past the calendar's end.
    pub fn plus(self, days: i64) -> Option<Day> {
        self.0.checked_add(time::Duration::days(days)).map(Day)
    }

    /// The next day (itself at the calendar's end).
    pub fn next(self) -> Day {
        self.plus(1).unwrap_or(self)
    }

    pub fn date(self) -> time::Date {
        self.0
    }

    /// The Julian day number: what compact records (the summary index) store.
    pub fn number(self) -> i32 {
        self.0.to_julian_day()
    }

    pub fn from_number(n: i32) -> Option<Day> {
        time::Date::from_julian_day(n).ok().map(Day)
    }
}

impl From<time::Date> for Day {
    fn from(d: time::Date) -> Day {
        Day(d)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = self.0.to_calendar_date();
        write!(f, "{y:04}-{:02}-{d:02}", m as u8)
    }
}

/// A fresh random identifier: 16 bytes from the OS as 32 lowercase hex digits (blob ids,
/// pack names). It says nothing about when or where it was made.
pub fn new_id() -> String {
    let mut id = [0u8; 16];
    crate::crypto::random_bytes(&mut id);
    hex::encode(id)
}

/// A closed set of words kept as kebab-case keys in files, outputs and on the command line
/// (statuses, channels, priorities...). Front-ends list [`Keyed::ALL`] as the choices.
pub trait Keyed: Copy + 'static {
    /// Every value, in the order front-ends list them.
    const ALL: &'static [Self];
    /// The value's key, as files and outputs write it.
    fn key(self) -> &'static str;
    /// A few words on what the value means, for a front-end's help.
    fn help(self) -> Option<&'static str> {
        None
    }
    /// The value whose key is `key`, exactly.
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.key() == key)
    }
}

/// What a reporter sees of a tip's status (the ledger keeps finer ones: `triaged`,
/// `assigned`... all show as `received`). Update bundles and the portal's store write the
/// keys; this list is the only one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublicStatus {
    Received,
    Verifying,
    StageClosed,
    Closed,
    NotAccepted,
    Transferred,
}

impl PublicStatus {
    /// Whether it is final: the portal removes such a tip's record `retention_days` after
    /// the last change the reporter could see, and the ledger stops sending it a while
    /// after.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            PublicStatus::Closed | PublicStatus::NotAccepted | PublicStatus::Transferred
        )
    }
}

impl Keyed for PublicStatus {
    const ALL: &'static [Self] = &[
        PublicStatus::Received,
        PublicStatus::Verifying,
        PublicStatus::StageClosed,
        PublicStatus::Closed,
        PublicStatus::NotAccepted,
        PublicStatus::Transferred,
    ];
    fn key(self) -> &'static str {
        match self {
            PublicStatus::Received => "received",
            PublicStatus::Verifying => "verifying",
            PublicStatus::StageClosed => "stage-closed",
            PublicStatus::Closed => "closed",
            PublicStatus::NotAccepted => "not-accepted",
            PublicStatus::Transferred => "transferred",
        }
    }
}

impl std::fmt::Display for PublicStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// Where a reward (奖励) stands: approved by the office, then paid once at the counter.
/// Files and bundles write the keys (`approved`, `paid`); the summary index writes the
/// variant's position, so the order of the variants is part of that format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RewardState {
    Approved,
    Paid,
}

impl Keyed for RewardState {
    const ALL: &'static [Self] = &[RewardState::Approved, RewardState::Paid];
    fn key(self) -> &'static str {
        match self {
            RewardState::Approved => "approved",
            RewardState::Paid => "paid",
        }
    }
}

#[cfg(test)]
mod reward_state_tests {
    use super::*;

    #[test]
    fn reward_states_are_written_as_the_words_ledgers_and_bundles_always_held() {
        for (state, word) in [
            (RewardState::Approved, "\"approved\""),
            (RewardState::Paid, "\"paid\""),
        ] {
            assert_eq!(serde_json::to_string(&state).unwrap(), word);
            assert_eq!(serde_json::from_str::<RewardState>(word).unwrap(), state);
            assert_eq!(format!("\"{}\"", state.key()), word);
        }
        assert!(serde_json::from_str::<RewardState>("\"refunded\"").is_err());
    }
}

#[cfg(test)]
mod day_tests {
    use super::Day;

    #[test]
    fn days_are_read_strictly_from_outside_and_leniently_from_people() {
        let d = Day::strict("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        for bad in [
            "2026-02-30",
            "+275760-09-13",
            " 2026-01-01",
            "2026-1-01",
            "2026/01/01",
        ] {
            assert_eq!(Day::strict(bad), None, "{bad:?}");
        }
        assert_eq!(Day::parse(" 2024-02-29 "), Some(d));
        assert_eq!(Day::parse("soon"), None);
    }

    #[test]
    fn days_count_and_compare_as_days_not_text() {
        let d = Day::strict("2026-12-31").unwrap();
        assert_eq!(d.next().to_string(), "2027-01-01");
        assert_eq!(d.plus(-365).unwrap().to_string(), "2025-12-31");
        assert!(Day::strict("2026-12-31").unwrap() < Day::strict("2027-01-01").unwrap());
        assert_eq!(Day::from_number(d.number()), Some(d));
        assert_eq!(Day::from_number(i32::MAX), None);
        assert_eq!(Day::parse("9999-12-31").unwrap().plus(1), None);
    }
}
