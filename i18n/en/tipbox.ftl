# tipbox-review, English. Messages of the program; its command-line help is English in
# src/bin/tipbox-review/cli.rs (the other languages translate it under help-* ids).

clap-usage = Usage:
clap-options = Options
clap-commands = Commands
clap-help = Print help

## Casework (src/bin/tipbox-review/casework.rs).

cli-triaged = tip {$id}: {$status}
cli-assigned = tip {$id} assigned to {$department}, due {$due}
cli-status-set = tip {$id}: {$before} -> {$after} (reporter sees: {$public})
cli-replied = reply to tip {$id} sealed to its reporter; it is published with the next `tipbox-review export`
cli-noted = note added to tip {$id}
cli-linked = tips {$id} and {$other} linked
cli-already-linked = tips {$id} and {$other} were already linked; nothing changed
cli-recipient-and-out = --recipient and --out go together
cli-transferred = tip {$id} transferred to {$department}
cli-handover-written = hand-over bundle: {$file} (the receiving unit imports it with `tipbox-review import`)
cli-add-no-content = give the tip's content with --text or --text-file
cli-added = added tip {$id} ({$channel})
cli-added-with-files = added tip {$id} ({$channel}) with {$files} attachment(s) sealed into the ledger
cli-not-a-claim-token = that is not a claim token: {$reason}
cli-claim-already-paid = the reward of {$amount} yuan was ALREADY PAID on {$on}: do not pay it again
cli-claim-unpaid = a reward of {$amount} yuan was approved on {$on} and is not paid yet; after paying, run `tipbox-review reward {$id} paid`
cli-claim-no-reward = no reward has been approved for it: there is nothing to pay
cli-claim-matches = claim token matches tip {$id}: {$state}
cli-claim-no-match = the claim token matches no tip in this ledger
cli-reward-not-a-tip = {$given} is not a tip id; use `reward TIP approve --amount N`, `reward TIP paid` or `reward verify TOKEN`
cli-reward-already-approved = a reward of {$amount} yuan was already approved for tip {$id} on {$on}; nothing changed
cli-reward-changed = reward for tip {$id} changed from {$from} to {$amount} yuan
cli-reward-approved = reward of {$amount} yuan approved for tip {$id}; the reporter sees it and a claim token after the next export
cli-reward-paid = reward for tip {$id} marked paid
cli-reward-usage = use `reward TIP approve --amount N`, `reward TIP paid` or `reward verify TOKEN`

## Import and export (src/bin/tipbox-review/exchange.rs).

cli-cannot-read = cannot read {$file}: {$reason}
cli-checking = checking
cli-standard-input = standard input
cli-imported-from-handover = a hand-over bundle from another unit (its tips are answered by that unit: `export` leaves them out)
cli-imported-from-portal = portal {$portal}
cli-imported = imported from {$from}: {$tips} new tip(s), {$followups} new follow-up(s), {$known} already imported
cli-handover-marks-cleared = {$tips} tip(s) of portal {$portal} had come in a bundle that called itself another unit's hand-over, and were marked as that unit's (left out of exports, unanswered). This is that portal's own bundle: they are its tips, and are no longer marked. A portal that sent such a bundle may have been taken over: have it checked
cli-tips-completed = {$tips} tip(s) made earlier from follow-ups whose tip had not arrived received their own item
cli-updates-caught-up = portal {$portal} has applied update bundle {$theirs}, but this ledger had exported only up to bundle {$ours} to it. This ledger is older than what the portal last received: it was restored from an older backup, or is a copy. Status changes, replies and reward decisions made after that backup are not in it; make them again before the next export, or reporters will see the older state. The next export continues from bundle {$next}.
cli-followups-joined = follow-ups joined tip(s) {$tips}: `tipbox-review show TIP` reads them
cli-followups-joined-more = follow-ups joined tip(s) {$tips} and {$more} more: `tipbox-review show TIP` reads them
cli-unproven-followups = tip(s) {$tips} hold a follow-up NOT PROVEN to come from the reporter: it carries no valid signature by the tip's receipt key, so it may have been made up by whoever controlled the portal. `tipbox-review show TIP` marks it; do not act on it as the reporter's word without other grounds
cli-exported = update bundle {$sequence} for portal {$portal}: {$tips} tip(s) with public changes, {$acks} acknowledgement(s) -> {$file}
cli-finished-left-out = {$tips} finished tip(s) left out: their public state is older than [publishing] finished_days
cli-site-added = portal {$portal} is in site {$site}: {$portals}. From the next `export --out-dir`, each of them receives the public records of the site's tips
cli-site-removed = portal {$portal} left site {$site}: from the next export it answers its own tips only
cli-site-none = portal {$portal} is in no site; nothing changed
cli-site-list = site {$site}: {$portals}
cli-site-list-empty = no site is recorded: every portal answers its own tips only

## Keys, records, terminal and files (keys.rs, records.rs, io.rs).

cli-signing-key-replaced = the signing key is replaced; the old verify key is kept in keys/{$file}.
    Next: `tipbox-review export --out FILE`, and give the portal operator that bundle together with the line below. The operator sets verify_key, restarts the portal, then applies the bundle: until then the portal shows reporters no status.
cli-key-added-old-retired = added {$recipient} and retired the other recipients (listed in keys/{$file}; their identities stay in identity.age to read what was sealed to them). Configure the portal with the lines below only, replacing every earlier recipient
cli-key-added = added {$recipient}; configure the portal with every line below
cli-prompt-passphrase = Passphrase
cli-prompt-new-passphrase = New passphrase
cli-prompt-again = {$label} again
cli-passphrase-unchanged = the new passphrase is the current one; nothing was changed
cli-passphrase-changed = passphrase changed for keys/{$identity} and keys/{$signing}; copies of them kept elsewhere, and backups made until now, still open with the old one: replace the copies, and make a new backup
cli-not-an-acknowledgement = {$file} is not an acknowledgement of receipt: it should be the five lines the status page shows, from "tipbox acknowledgement v1" to "signature: ..."
cli-ack-key-given = the verify key given
cli-ack-key-current = the office's current key
cli-ack-key-earlier = an earlier key of the office (since replaced)
cli-no-verify-key = no verify key: give the office's with --verify-key KEY, or run this in its ledger ({$folder} has no keys/{$file})
cli-ack-holds = the acknowledgement holds, signed with {$which}: office {$office}, number {$number}, received {$received}
cli-ack-does-not-hold = the acknowledgement does NOT hold: its signature is not the office's (or a line of it was changed)
cli-backup-needs-out = give the backup's path with --out FILE
cli-backup-written = backup written to {$file}: {$tips} tip(s), {$files} file(s), {$trees} tree(s), {$size}; it restores with the current passphrase; keep copies apart from this machine
cli-backup-ok = backup OK: made {$made}, {$tips} tip(s), {$files} file(s), {$trees} tree(s), {$size}, {$by}
cli-restored = restored {$tips} tip(s) into {$folder} from a backup made {$made}, {$by}; `tipbox-review audit verify` holds
cli-audit-intact = audit log intact: {$entries} entries
cli-backup-unauthenticated = UNAUTHENTICATED (format 1), accepted with --accept-unauthenticated
cli-backup-authenticated = authenticated by the office identity
cli-cannot-read-identity = cannot read the identity {$file}: {$reason}
cli-not-an-identity-file = {$file} is not an age identity file
cli-no-identity = {$file} holds no identity
cli-backup-carries-no-keys = {$file} carries no office keys (backups made before 2026-12-01 do not): give a copy of the office identity with --identity, e.g. --identity /media/keys/identity.age
cli-backup-wrong-passphrase = the passphrase does not open the office keys that {$file} carries: they open with the passphrase the office had when the backup was made (if it has not changed since, the office did not make this backup). Or give a copy of the office identity with --identity
cli-what-backup = a backup
cli-what-handover = a hand-over bundle
cli-checking-backup = checking the backup
cli-checking-then-restoring = checking, then restoring
cli-resealing = re-sealing the tip for the receiving unit
cli-counting = counting
cli-not-utf8 = {$what} is not UTF-8 text. A file saved as ANSI (GBK) on Windows can be converted first: iconv -f GBK -t UTF-8 FILE > FILE.utf8.txt (or save it as UTF-8 in the editor)
cli-file-only = {$what} is written to a file (made durable before it gets its name), not to standard output: give a file name
cli-stdout-failed = writing to standard output failed: {$reason}
cli-cannot-write = cannot write {$file}: {$reason}
cli-cannot-read-passphrase-file = cannot read the passphrase file {$file}: {$reason}
cli-cannot-read-passphrase-tty = cannot read the passphrase: {$reason} (use --passphrase-file in scripts)
cli-cannot-read-passphrase = cannot read the passphrase: {$reason}
cli-passphrases-differ = the two passphrases differ; nothing was changed
cli-passphrase-too-short = the passphrase must have at least 8 characters

## Reading tips, search, report, the program itself (show.rs, list.rs, main.rs).

word-yes = yes
word-no = no
show-head = Tip {$id}  received {$received}  channel {$channel}{$handed_over}
show-handed-over = {"  "}handed over by another unit (which answers the reporter)
show-status = Status: {$status} (reporter sees: {$public})  Department: {$department}  Due: {$due}
show-category = Category: {$category}  Priority: {$priority}  Credibility: {$credibility}  Reward wanted: {$reward}
show-links = Linked tips: {$tips}
show-transferred = Transferred to {$to} on {$day}
show-item-tip = Tip
show-item-followup = Follow-up
show-proof-holder = from the receipt holder: yes (signed with the key derived from the tip's receipt)
show-proof-not-proven = from the receipt holder: NOT PROVEN. It carries no valid signature by the tip's receipt key, so it may have been added by whoever controlled the portal: do not take it as the reporter's word
show-proof-unchecked = from the receipt holder: cannot be checked (the tip is from before follow-ups were signed)
show-attachment = attachment {$number}: {$name} ({$size} bytes, {$kind}){$metadata}{$written}
show-unknown-type = unknown type
show-metadata-removed = , metadata removed
show-metadata-kept = , kept as sent: may carry metadata
show-end-holder = --- end of follow-up: from the receipt holder ---
show-end-not-proven = --- end of follow-up: NOT PROVEN to come from the receipt holder ---
show-end-unchecked = --- end of follow-up: cannot be checked ---
show-text-note = Note
show-text-content = Content
show-text-public-note = Public note
show-text-reply = Reply to the reporter
show-text-summary = Summary (supervision notice)
show-empty-lines = {$lines} empty lines
cli-cannot-create = cannot create {$file}: {$reason}
cli-cannot-create-attachment = cannot create {$file} ({$reason}); use an empty folder
cli-search-empty = give some text to search for
cli-searching = searching
cli-matched-in = matched in: {$fields}
cli-tips-found = {$tips} tip(s) found
cli-report-not-a-date = {$given} is not a date; write it as YYYY-MM-DD
cli-report-from-after-to = --from {$from} is after --to {$to}: the period would be empty
cli-report-render-failed = rendering the report failed: {$reason}
cli-report-written = report written to {$file}
cli-core-dumps = cannot disable core dumps: {$reason}

## The reviewer's desk (src/bin/tipbox-review/desk/, templates/desk/).

desk-not-loopback = the desk listens on this machine only: {$address} is not a loopback address (use 127.0.0.1:PORT)
desk-bad-lock-after = --lock-after-minutes must be 1 to 1440
desk-cannot-start = the desk cannot start: {$reason}
desk-cannot-listen = the desk cannot listen on {$address}: {$reason}
desk-stopped = desk stopped
desk-open-it = open the address above in the browser of this machine
desk-title = tipbox desk
desk-language = Language
desk-unlock-title = Unlock the office keys
desk-unlock-intro = The desk decrypts tips with the office keys. Give the passphrase; the keys lock again after a while without use, or with the Lock button.
desk-passphrase = Passphrase
desk-unlock = Unlock
desk-wrong-passphrase = Wrong passphrase. Try again.
desk-lock = Lock
desk-ledger-title = Case ledger
desk-count-total = Received
desk-count-finished = Closed
desk-count-stage-closed = Closed for now
desk-count-in-progress = Being verified
desk-count-overdue = Overdue
desk-status = Status
desk-any = (any)
desk-category = Category
desk-channel = Channel
desk-department = Department
desk-overdue-only = Overdue only
desk-search = Search the content
desk-apply = Show
desk-shown = {$tips} tip(s)
desk-id = No.
desk-received = Received
desk-due = Due
desk-overdue = overdue
desk-pages = Pages
desk-previous = Previous
desk-next = Next
desk-page-of = page {$page} of {$pages}
desk-tip-title = Tip {$id}
desk-back = Back to the ledger
desk-public-status = The reporter sees
desk-links = Linked tips
desk-attachments = Attachments
desk-bytes = {$size} bytes
desk-metadata-removed = metadata removed
desk-metadata-kept = kept as sent: may carry metadata
desk-attachments-hint = Attachments are never opened in the browser. To keep them, write them to a folder: tipbox-review show TIP --attachments-to FOLDER
desk-notes = Notes and messages
desk-history = History (audit log)
desk-when = When
desk-who = Who
desk-action = Action
desk-detail = Detail
desk-not-found = There is no such page or tip.

## The `list` table (list.rs).

list-overdue-warning = WARNING: {$tips} tip(s) past a deadline (tipbox-review list --overdue)
list-head-id = ID
list-head-received = RECEIVED
list-head-channel = CHANNEL
list-head-category = CATEGORY
list-head-status = STATUS
list-head-due = DUE
list-head-department = DEPARTMENT
list-count = {$tips} tip(s)
