//! Sites: which portals serve one public address (docs/design/sites.md). The office
//! decides, with `tipbox-review site`; nothing a portal sends can add it to a site, since a
//! member receives the public records of every tip of the site. A portal in no site is a
//! site of its own.

use crate::*;

/// `site-of:<portal>`: the site's id (the portal it was founded with) for each member.
const KEY_SITE_OF: &str = "site-of:";
/// `site-id:PORTAL` -> the site id its last inbox bundle stated (the portal's word).
const KEY_SITE_ID: &str = "site-id:";

/// What `site add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteChange {
    pub site: String,
    pub members: Vec<String>,
}

impl Ledger {
    /// The site a portal belongs to: its id (a member portal's id), or `None` when the
    /// office put it in none.
    fn site_of(&self, portal_id: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .meta
            .get(format!("{KEY_SITE_OF}{portal_id}").as_bytes())
            .map_err(db_err)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// Every portal of `portal_id`'s site, itself included, sorted.
    pub fn site_members(&self, portal_id: &str) -> Result<Vec<String>, LedgerError> {
        let Some(site) = self.site_of(portal_id)? else {
            return Ok(vec![portal_id.to_owned()]);
        };
        let mut members = Vec::new();
        for kv in self.meta.scan_prefix(KEY_SITE_OF.as_bytes()) {
            let (k, v) = kv.map_err(db_err)?;
            if v.as_ref() == site.as_bytes() {
                members.push(String::from_utf8_lossy(&k[KEY_SITE_OF.len()..]).into_owned());
            }
        }
        members.sort();
        Ok(members)
    }

    /// Whether any portal is in the site named `site`.
    fn site_named(&self, site: &str) -> Result<bool, LedgerError> {
        for kv in self.meta.scan_prefix(KEY_SITE_OF.as_bytes()) {
            if kv.map_err(db_err)?.1.as_ref() == site.as_bytes() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Every site the office recorded: its id and members, sorted.
    pub fn sites(&self) -> Result<Vec<SiteChange>, LedgerError> {
        let mut by_site: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for kv in self.meta.scan_prefix(KEY_SITE_OF.as_bytes()) {
            let (k, v) = kv.map_err(db_err)?;
            by_site
                .entry(String::from_utf8_lossy(&v).into_owned())
                .or_default()
                .push(String::from_utf8_lossy(&k[KEY_SITE_OF.len()..]).into_owned());
        }
        Ok(by_site
            .into_iter()
            .map(|(site, members)| SiteChange { site, members })
            .collect())
    }

    /// Every portal this ledger answers: those its web tips came from and those it imported
    /// an inbox bundle from or exported to, sorted.
    pub fn portals(&self) -> Result<Vec<String>, LedgerError> {
        let mut portals = std::collections::BTreeSet::new();
        for t in self.all() {
            let t = t?;
            if let Some(p) = t.portal_id.filter(|_| !t.handed_over) {
                portals.insert(p);
            }
        }
        for prefix in [KEY_PORTAL_HOLDS, "update-sequence:"] {
            for kv in self.meta.scan_prefix(prefix.as_bytes()) {
                let (k, _) = kv.map_err(db_err)?;
                portals.insert(String::from_utf8_lossy(&k[prefix.len()..]).into_owned());
            }
        }
        portals.remove(tipbox_core::tip::TYPED_IN_PORTAL);
        Ok(portals.into_iter().collect())
    }

    /// Record the site id portal `portal_id`'s bundle stated (syntax checked with the
    /// header). Written with the import, synced by the caller.
    pub(crate) fn record_site_id(
        &mut self,
        portal_id: &str,
        site_id: &str,
    ) -> Result<(), LedgerError> {
        self.meta
            .insert(
                format!("{KEY_SITE_ID}{portal_id}").as_bytes(),
                site_id.as_bytes(),
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// The site id portal `portal_id`'s last inbox bundle stated, if any did (portals
    /// before 2026-12-08 state none).
    pub fn site_id_of(&self, portal_id: &str) -> Result<Option<String>, LedgerError> {
        Ok(self
            .meta
            .get(format!("{KEY_SITE_ID}{portal_id}").as_bytes())
            .map_err(db_err)?
            .and_then(|v| String::from_utf8(v.to_vec()).ok())
            .filter(|s| tipbox_core::bundle::is_lower_hex(s, 16)))
    }

    /// The office's decision: portal `portal_id` serves the same address as `with`, which
    /// the ledger already answers. From the next export on, each receives the public
    /// records of the other's tips, and follow-ups it takes for them are joined to them.
    /// `portal_id` must have been created with `with`'s site file (`tipbox-portal site`),
    /// or the receipts of `with` do not work on it. Audited.
    pub fn site_add(&mut self, portal_id: &str, with: &str) -> Result<SiteChange, LedgerError> {
        use tipbox_core::bundle::is_lower_hex;
        for p in [portal_id, with] {
            if !is_lower_hex(p, 32) {
                return Err(Refused::NotAPortalId(p.to_owned()).into());
            }
        }
        if portal_id == with {
            return Err(Refused::SiteWithItself.into());
        }
        if !self.portals()?.iter().any(|p| p == with) {
            return Err(Refused::NoTipFromPortal(with.to_owned()).into());
        }
        // A mistake check (the ids are the portals' own word): a portal made
        // without the site's file derives other receipt keys, and would answer none of the
        // site's receipts.
        // Compared with every portal of the site it joins, not only `with`.
        if let Some(joining) = self.site_id_of(portal_id)? {
            for member in self.site_members(with)? {
                if let Some(site_id) = self.site_id_of(&member)?.filter(|s| *s != joining) {
                    return Err(Refused::OtherReceiptParameters {
                        portal: portal_id.to_owned(),
                        with: member,
                        portal_site_id: joining,
                        with_site_id: site_id,
                    }
                    .into());
                }
            }
        }
        let site = match self.site_of(with)? {
            Some(site) => site,
            // A new site, named after `with`; unless a site of that name is still there
            // (`with` founded it and was taken out of it since): a new site then gets a
            // new name, and `with` does not join the old one back unasked.
            None if self.site_named(with)? => tipbox_core::vocab::new_id(),
            None => with.to_owned(),
        };
        if let Some(other) = self.site_of(portal_id)?.filter(|s| *s != site) {
            return Err(Refused::InAnotherSite {
                portal: portal_id.to_owned(),
                site: other,
            }
            .into());
        }
        for p in [with, portal_id] {
            self.meta
                .insert(format!("{KEY_SITE_OF}{p}").as_bytes(), site.as_bytes())
                .map_err(db_err)?;
        }
        self.sync()?;
        self.audit(
            Action::Site,
            None,
            &format!("portal {portal_id} joins site {site} (with portal {with})"),
        )?;
        Ok(SiteChange {
            members: self.site_members(portal_id)?,
            site,
        })
    }

    /// The office's decision: portal `portal_id` no longer serves its site's address (it
    /// is retired). It keeps its own tips; the others stop receiving them, and it theirs.
    /// Audited. Returns the site it left, `None` if it was in none.
    pub fn site_remove(&mut self, portal_id: &str) -> Result<Option<String>, LedgerError> {
        if !tipbox_core::bundle::is_lower_hex(portal_id, 32) {
            return Err(Refused::NotAPortalId(portal_id.to_owned()).into());
        }
        let Some(site) = self.site_of(portal_id)? else {
            return Ok(None);
        };
        self.meta
            .remove(format!("{KEY_SITE_OF}{portal_id}").as_bytes())
            .map_err(db_err)?;
        self.sync()?;
        self.audit(
            Action::Site,
            None,
            &format!("portal {portal_id} leaves site {site}"),
        )?;
        Ok(Some(site))
    }
}
