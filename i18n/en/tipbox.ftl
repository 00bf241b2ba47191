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
