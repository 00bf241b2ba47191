# tipbox-review, zh-Hant.

clap-usage = 用法：
clap-options = 選項
clap-commands = 命令
clap-help = 顯示說明

## What the ledger refuses (the English is the ledger's own text).

refused-not-a-category = {$given} 不是類別：請給出類別鍵（小寫字母、數字、連字號），如 {$keys}，或其中某一類別的完整名稱
refused-not-a-department = 部門名稱須為 1-100 個字元的純文字
refused-not-a-date = {$flag} {$given} 不是日期，請寫成 YYYY-MM-DD
refused-day-out-of-range = {$flag} {$given} 超出台帳可記錄的日期範圍（{$earliest} 至 {$latest}）：請核對年份
refused-day-in-future = {$flag} {$given} 在未來（今天是 {$today}）：請給出線索實際收到的日期
refused-empty-reply = 答覆內容為空
refused-empty-note = 備註內容為空
refused-empty-content = 線索內容為空
refused-summary-too-short = --summary 過短（至少 4 個字元）：請用自己的話概括線索，不要照抄原文；或不給 --summary，列印後在通知書上手寫
refused-not-a-file = --attachment {$path}：不是可讀取的檔案
refused-linked-to-itself = 線索不能與自身串併
refused-already-transferred = 線索 {$id} 今天已移交 {$to}，未作變更（如需為其寫出移交包，請給出 --recipient 和 --out）
refused-no-amount = 請給出獎勵金額（元）：`reward TIP approve --amount N`
refused-amount-too-large = {$amount} 元超過 {$max} 元：請核對金額（單位為元）
refused-reward-paid = 線索 {$id} 的獎勵（{$amount} 元）已於 {$on} 發放：已發放的獎勵不能更改
refused-no-reward-approved = 線索 {$id} 尚未核准獎勵
refused-reward-already-paid = 線索 {$id} 的獎勵已於 {$on} 記為已發放，未作變更
refused-no-receipt-for-reward = 線索 {$id} 沒有回執碼（來源管道：{$channel}）：獎勵須憑回執碼產生的領獎碼領取
refused-answered-by-other-unit = 線索 {$id} 由其他單位移交而來，由該單位透過其入口網站答覆舉報人：在此發布的內容到不了舉報人那裡。請把要告訴舉報人的內容轉給該單位
refused-no-receipt = 線索 {$id} 來源管道為 {$channel}，沒有回執碼，無法透過入口網站向舉報人發布任何內容
refused-too-long-for-reporter = 給舉報人的文字有 {$chars} 個字元，超過狀態頁可顯示的 {$max} 個：請刪減（是否給錯了檔案？）；較長的理由請寫入 `note`，備註只留在台帳中
refused-nothing-to-hand-over = 線索 {$id} 沒有可移交的錄入文字
refused-no-tip-from-portal = 本台帳中沒有來自入口網站 {$portal} 的線索
refused-no-portal-yet = 尚未從本單位的入口網站匯入任何網上線索（其他單位移交的線索由其自行答覆）：沒有要發往入口網站的內容
refused-several-portals = 線索來自多個入口網站，請用 --portal 選擇其一：{$portals}

## The `report` table.

report-summary = 總體情況
report-summary-from = 統計起始日
report-summary-to = 統計截止日
report-summary-as_of = 截至
report-summary-total = 收集線索
report-summary-finished = 查結（含不予受理、已移交）
report-summary-stage_closed = 階段性查結
report-summary-in_progress = 正在核查
report-summary-closure_rate = 辦結率
report-summary-overdue = 逾期未辦
report-summary-transfers = 移交線索
report-summary-received_from_other_units = 其他單位移交
report-rewards = 獎勵
report-rewards-approved_count = 核准獎勵（件）
report-rewards-approved_amount = 核准獎勵（元）
report-rewards-paid_count = 已發放獎勵（件）
report-rewards-paid_amount = 已發放獎勵（元）
report-public_status = 舉報人所見狀態
report-public_status-received = 已受理
report-public_status-verifying = 核查中
report-public_status-stage-closed = 階段性查結
report-public_status-closed = 已查結
report-public_status-not-accepted = 不予受理
report-public_status-transferred = 已移交
report-status = 台帳狀態
report-status-new = 新收
report-status-triaged = 已研判
report-status-assigned = 已分流
report-status-verifying = 核查中
report-status-stage-closed = 階段性查結
report-status-closed = 已查結
report-status-not-accepted = 不予受理
report-status-transferred = 已移交
report-category = 線索類別
report-channel = 線索來源
report-channel-web = 網路舉報
report-channel-phone = 電話
report-channel-letter = 來信
report-channel-visit = 來訪
report-channel-mailbox = 舉報信箱
report-department = 承辦單位
report-week = 每週新收線索
report-transferred_to = 移交去向

## Warnings and progress.

word-warning = 提醒
warning-new-category = 沒有其他線索屬於類別「{$key}」，它也不是預設類別（{$keys}）：請檢查拼寫，報表會把每種拼寫分開統計
warning-due-before-received = --due {$due} 早於線索 {$id} 的收到日期（{$received}），因此已經逾期；如果是筆誤，請用正確日期重新分流
warning-transferred-nowhere = 線索 {$id} 標記為已移交，但台帳沒有記錄移交去向：`tipbox-review transfer {$id} --to DEPT` 可記錄，報表也會統計
warning-public-record-removed = 線索 {$id} 已辦結，舉報人所見內容最後變化於 {$day}；入口網站在此後 {$days} 天（其 retention_days，除非維運人員改過）刪除已辦結線索的公開記錄：舉報人很可能看不到這則內容
progress-made-private = {$folder} 原先對本機其他使用者開放，現已設為僅本人可存取（權限 0700）
progress-rebuilding-summaries = 正在根據資料庫重建摘要索引……
progress-waiting-for-lock = 正在等待另一個 tipbox-review 指令用完這個台帳……

## Casework.

cli-triaged = 線索 {$id}：{$status}
cli-assigned = 線索 {$id} 已分流至 {$department}，辦理期限 {$due}
cli-status-set = 線索 {$id}：{$before} -> {$after}（舉報人所見：{$public}）
cli-replied = 給線索 {$id} 舉報人的答覆已加密，隨下一次 `tipbox-review export` 發布
cli-noted = 已為線索 {$id} 新增備註
cli-linked = 線索 {$id} 與 {$other} 已串併
cli-already-linked = 線索 {$id} 與 {$other} 早已串併，未作變更
cli-recipient-and-out = --recipient 和 --out 須同時給出
cli-transferred = 線索 {$id} 已移交 {$department}
cli-handover-written = 移交包：{$file}（接收單位用 `tipbox-review import` 匯入）
cli-add-no-content = 請用 --text 或 --text-file 給出線索內容
cli-added = 已錄入線索 {$id}（{$channel}）
cli-added-with-files = 已錄入線索 {$id}（{$channel}），{$files} 個附件已加密存入台帳
cli-not-a-claim-token = 這不是領獎碼：{$reason}
cli-claim-already-paid = {$amount} 元獎勵已於 {$on} 發放：切勿重複發放
cli-claim-unpaid = {$amount} 元獎勵已於 {$on} 核准，尚未發放；發放後請執行 `tipbox-review reward {$id} paid`
cli-claim-no-reward = 該線索尚未核准獎勵：無需發放
cli-claim-matches = 領獎碼對應線索 {$id}：{$state}
cli-claim-no-match = 領獎碼與本台帳中任何線索都不對應
cli-reward-not-a-tip = {$given} 不是線索編號；用法：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`
cli-reward-already-approved = 線索 {$id} 已於 {$on} 核准 {$amount} 元獎勵，未作變更
cli-reward-changed = 線索 {$id} 的獎勵由 {$from} 元改為 {$amount} 元
cli-reward-approved = 已為線索 {$id} 核准 {$amount} 元獎勵；下一次匯出後，舉報人可看到獎勵及領獎碼
cli-reward-paid = 線索 {$id} 的獎勵已記為已發放
cli-reward-usage = 用法：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`

## The errors a reviewer meets most.

error-no-such-tip = 本台帳中沒有線索 {$id}；`tipbox-review list` 可列出全部編號
error-not-a-ledger = {$folder} 不是 tipbox 台帳（沒有 keys/ 目錄）。請用 `tipbox-review --ledger {$folder} init` 新建，或給出正確的 --ledger / TIPBOX_LEDGER
error-recipient-file-missing = {$folder} 中沒有 recipient.txt（本單位的公鑰，由 `tipbox-review init` 寫出）：請把它複製到該處；示範金鑰可用 `cp keys-example/*.txt {$folder}/`
error-db = 無法開啟 {$folder} 中的台帳資料庫：{$reason}。是否有另一個 tipbox-review 指令正在使用這個台帳？
error-wrong-passphrase = {$file} 的通行密語不正確（或該檔案不是 tipbox 金鑰檔）
error-key-too-open = 本機其他使用者可以讀取 {$file}（權限 {$mode}）；私鑰必須僅本人可讀。請執行：chmod 600 {$file}

## Import and export (src/bin/tipbox-review/exchange.rs).

cli-cannot-read = 無法讀取 {$file}：{$reason}
cli-checking = 正在校驗
cli-standard-input = 標準輸入
cli-imported-from-handover = 其他單位的移交包（其中線索由該單位答覆舉報人：`export` 不包含它們）
cli-imported-from-portal = 入口網站 {$portal}
cli-imported = 已從{$from}匯入：新線索 {$tips} 則，新補充資料 {$followups} 份，{$known} 項先前已匯入
cli-handover-marks-cleared = 入口網站 {$portal} 的 {$tips} 則線索曾隨一個自稱其他單位移交包的資料包到達，被標記為該單位的線索（不匯出、不答覆）。這是該入口網站自己的資料包：這些線索屬於它，標記已取消。發出那種資料包的入口網站可能已被他人控制：請安排檢查
cli-tips-completed = 先前根據先到的補充資料建立的 {$tips} 則線索，已收到其本身的線索內容
cli-updates-caught-up = 入口網站 {$portal} 已套用第 {$theirs} 號更新包，但本台帳只向它匯出到第 {$ours} 號。本台帳比入口網站最後收到的內容更舊：它是從較早的備份還原的，或是一份副本。該備份之後作出的狀態變更、答覆和獎勵決定都不在其中；請在下一次匯出前重新辦理，否則舉報人會看到舊的狀態。下一次匯出從第 {$next} 號更新包繼續。
cli-followups-joined = 補充資料已併入線索 {$tips}：可用 `tipbox-review show TIP` 查看
cli-followups-joined-more = 補充資料已併入線索 {$tips} 及另外 {$more} 則：可用 `tipbox-review show TIP` 查看
cli-unproven-followups = 線索 {$tips} 含有一份無法證明來自舉報人的補充資料：它沒有該線索回執金鑰的有效簽章，可能是控制入口網站的人編造的。`tipbox-review show TIP` 會標出它；沒有其他依據時，不要把它當作舉報人的話來辦理
cli-exported = 入口網站 {$portal} 的第 {$sequence} 號更新包：{$tips} 則線索有公開變化，{$acks} 項接收確認 -> {$file}
cli-finished-left-out = {$tips} 則已辦結線索未包含在內：其公開狀態早於 [publishing] finished_days

## Keys, records, terminal and files (keys.rs, records.rs, io.rs).

cli-signing-key-replaced = 簽章金鑰已更換；舊的驗證金鑰保存在 keys/{$file}。
    下一步：執行 `tipbox-review export --out FILE`，把這個更新包連同下面一行交給入口網站維運人員。維運人員設定 verify_key、重新啟動入口網站，再套用更新包：在此之前，入口網站不向舉報人顯示任何狀態。
cli-key-added-old-retired = 已新增 {$recipient}，其他接收金鑰已停用（列在 keys/{$file} 中；它們的身分仍保存在 identity.age 中，用於解密先前加密給它們的內容）。入口網站只需設定下面幾行，取代先前的全部接收金鑰
cli-key-added = 已新增 {$recipient}；請用下面全部幾行設定入口網站
cli-prompt-passphrase = 通行密語
cli-prompt-new-passphrase = 新通行密語
cli-prompt-again = 再次輸入{$label}
cli-passphrase-unchanged = 新通行密語與目前的相同，未作變更
cli-passphrase-changed = keys/{$identity} 和 keys/{$signing} 的通行密語已變更；保存在別處的副本以及先前製作的備份仍用舊通行密語開啟：請替換這些副本，並重新製作一份備份
cli-not-an-acknowledgement = {$file} 不是接收確認：它應當是狀態頁顯示的五行文字，從「tipbox acknowledgement v1」到「signature: ...」
cli-ack-key-given = 所給的驗證金鑰
cli-ack-key-current = 本單位目前的金鑰
cli-ack-key-earlier = 本單位先前的金鑰（已更換）
cli-no-verify-key = 沒有驗證金鑰：請用 --verify-key KEY 給出本單位的驗證金鑰，或在本單位的台帳中執行（{$folder} 中沒有 keys/{$file}）
cli-ack-holds = 接收確認有效，由{$which}簽章：單位 {$office}，編號 {$number}，收到日期 {$received}
cli-ack-does-not-hold = 接收確認無效：簽章不是本單位的（或其中某一行被改動過）
cli-backup-needs-out = 請用 --out FILE 給出備份檔案的路徑
cli-backup-written = 備份已寫入 {$file}：線索 {$tips} 則，檔案 {$files} 個，資料樹 {$trees} 個，{$size}；用目前的通行密語還原；請把副本存放在本機以外的地方
cli-backup-ok = 備份完好：製作於 {$made}，線索 {$tips} 則，檔案 {$files} 個，資料樹 {$trees} 個，{$size}，{$by}
cli-restored = 已從製作於 {$made} 的備份把 {$tips} 則線索還原到 {$folder}，{$by}；`tipbox-review audit verify` 驗證通過
cli-audit-intact = 稽核日誌完整：共 {$entries} 筆紀錄
cli-backup-unauthenticated = 未經認證（格式 1），因給出 --accept-unauthenticated 而接受
cli-backup-authenticated = 已由本單位身分認證
cli-cannot-read-identity = 無法讀取身分檔案 {$file}：{$reason}
cli-not-an-identity-file = {$file} 不是 age 身分檔案
cli-no-identity = {$file} 中沒有任何身分
cli-backup-carries-no-keys = {$file} 不帶本單位金鑰（2026-12-01 之前製作的備份都不帶）：請用 --identity 給出本單位身分檔案的副本，例如 --identity /media/keys/identity.age
cli-backup-wrong-passphrase = 這個通行密語打不開 {$file} 所帶的本單位金鑰：它們要用製作備份時本單位的通行密語開啟（如果此後沒有變更過，這份備份就不是本單位製作的）。也可以用 --identity 給出本單位身分檔案的副本
cli-what-backup = 備份
cli-what-handover = 移交包
cli-checking-backup = 正在驗證備份
cli-checking-then-restoring = 正在驗證，隨後還原
cli-resealing = 正在為接收單位重新加密線索
cli-counting = 正在統計
cli-not-utf8 = {$what} 不是 UTF-8 文字。在 Windows 上以 ANSI（GBK 或 Big5）儲存的檔案可以先轉換：iconv -f GBK -t UTF-8 FILE > FILE.utf8.txt（或在編輯器中另存為 UTF-8）
cli-file-only = {$what}只能寫入檔案（先確保寫入磁碟，再賦予檔名），不能寫到標準輸出：請給出檔名
cli-stdout-failed = 寫入標準輸出失敗：{$reason}
cli-cannot-write = 無法寫入 {$file}：{$reason}
cli-cannot-read-passphrase-file = 無法讀取通行密語檔案 {$file}：{$reason}
cli-cannot-read-passphrase-tty = 無法讀取通行密語：{$reason}（在指令稿中請用 --passphrase-file）
cli-cannot-read-passphrase = 無法讀取通行密語：{$reason}
cli-passphrases-differ = 兩次輸入的通行密語不一致，未作變更
cli-passphrase-too-short = 通行密語至少要有 8 個字元

## Errors beneath the ledger (src/bin/tipbox-review/i18n/errors.rs; English is each error's own text).

error-bundle-refused = {$reason}。未匯入任何內容
error-db-damaged = {$folder} 中的台帳資料庫已損毀（{$reason}）。請先把該資料夾原樣保留一份，再把最近的備份還原到一個新資料夾：`tipbox-review restore FILE --ledger NEW_FOLDER`
error-db-op = 台帳資料庫操作失敗：{$reason}
error-io = 無法讀寫 {$file}：{$reason}
error-config = {$file} 無效：{$reason}
error-item-not-ours = 資料包中的項目 {$item} 無法用本單位的金鑰開啟（它加密給了金鑰組 {$keys}）。是否加密給了其他單位？未匯入任何內容
error-bad-item = 資料包中的項目 {$item} 不是有效的加密線索（{$reason}）。未匯入任何內容
error-second-tip-item = 資料包中的項目 {$item} 是線索 {$id} 的第二份線索內容，而該線索本身的內容已由先前的匯入（或本資料包）取得。資料包只能向台帳新增線索和補充資料，絕不能取代線索第一份內容所確定的東西：其金鑰、類別、內容和日期。未匯入任何內容。正常的入口網站不會寫出這種項目：請把資料包留作證據，安排檢查入口網站，並閱讀 SECURITY.md 中「What a hostile portal can and cannot do」一節
error-damaged-item = 台帳中的加密項目 {$item} 已損毀（{$reason}）；請還原最近的備份
error-cannot-open-item = 台帳中的加密項目 {$item} 無法用這些金鑰開啟（它加密給了金鑰組 {$keys}）：檔案已損毀，或開啟它的金鑰不在 keys/ 中；請還原最近的備份
error-seal = 加密失敗：{$reason}
error-summary-index-damaged = {$folder} 中的摘要索引已損毀；請刪除該資料夾，再執行一次指令即可重建
error-note-damaged = 一則加密備註已損毀
error-note-not-opened = 一則加密備註無法用這些金鑰開啟
error-note-not-text = 一則加密備註不是文字
error-identity-missing-for = keys/recipient.txt 列出了 {$recipient}，但 keys/identity.age 中沒有對應的身分；加密給它的備份將無法認證。請從備份還原 keys/，或執行 `tipbox-review init --add-key --retire-old`
error-not-an-identity-file = {$file} 不是身分檔案；請從備份還原 keys/
error-file-changed-during-backup = 備份過程中 {$file} 發生了變化
error-ledger-changed-during-backup = 備份過程中台帳發生了變化
error-restore-target-not-empty = {$folder} 不是空資料夾：只能還原到空的或新的資料夾，絕不能覆蓋已有台帳
error-generated-out-of-order = 產生的項目 {$id} 與台帳的編號（{$next}）不銜接
error-update-bundle-too-large = 更新包將達到 {$mib} MiB，超過入口網站可接受的 {$max} MiB：請調低 {$file} 中 [publishing] 下的 `finished_days`（現為 {$days}），縮短已辦結線索的傳送期限
error-key-exists = {$file} 已存在；不會覆蓋金鑰。請換一個資料夾，或先把舊金鑰移走
error-key-excessive-work = {$file} 要求的通行密語運算量（scrypt 2^{$required}）超過 tipbox 接受的上限（2^{$max}）；它不是 tipbox 寫出的：請使用本單位自己的金鑰檔
error-key-damaged = {$file} 已損毀：能解密，但其中沒有有效的金鑰
error-bad-recipient = 「{$given}」不是 age 接收金鑰；它應當形如 age1...，即 `tipbox-review init` 印出的那樣
error-bad-verify-key = 「{$given}」不是驗證金鑰；它應當是 64 個十六進位字元，即 `tipbox-review init` 印出的那樣
error-not-a-bundle = 這不是 tipbox 的 {$kind} 資料包（檔案拿錯了？）
error-bundle-version = 本機的 tipbox 不支援資料包格式版本 {$version}；請升級本機的 tipbox
error-bundle-truncated = 資料包不完整：請從來源重新複製（隨身碟是否拔得太早？）
error-bundle-checksum = 資料包已損毀（檢查碼不符）：請從來源重新複製
error-bundle-malformed = 資料包格式錯誤：{$reason}
error-bundle-io = 讀取資料包失敗：{$reason}
error-backup-not-ours = 無法用這個身分開啟備份（它是本單位的備份嗎？--identity 給對了嗎？）
error-not-a-backup = 這不是 tipbox 備份（檔案拿錯了？）
error-backup-version = 不支援備份格式版本 {$version}；請升級 tipbox
error-backup-damaged = 備份不完整或已損毀；請使用另一份副本
error-backup-bad-path = 備份中含有不安全或未知的路徑；拒絕使用
error-backup-checksum = 備份的檢查碼不符；請使用另一份副本
error-backup-unauthenticated = 這份備份製作於備份開始認證之前（格式 1），無法看出是誰製作的；如果確定它是本單位自己的，請加上 --accept-unauthenticated
error-backup-not-authenticated-for-us = 這份備份中沒有任何東西表明它是本單位製作的（它對所給的身分沒有認證）：它可能是偽造的；不要還原它
error-backup-bad-authentication = 備份的認證不符：它在製作之後被改動或偽造過；請使用另一份副本
error-backup-carried-keys-replaced = 這份備份所帶的本單位金鑰與其中的 keys/identity.age 不一致：它們在備份製作之後被替換過，這個檔案不是本單位製作的那份備份。不要還原它：請使用另一份副本
error-audit-io = 無法寫入稽核日誌 {$file}：{$reason}
error-audit-broken = 稽核日誌第 {$line} 行（第 {$entry} 筆紀錄）無效：{$reason}

## Reading tips, search, report, the program itself (show.rs, list.rs, main.rs).

word-yes = 是
word-no = 否
show-head = 線索 {$id}  收到日期 {$received}  來源 {$channel}{$handed_over}
show-handed-over = {"  "}由其他單位移交（由該單位答覆舉報人）
show-status = 狀態：{$status}（舉報人所見：{$public}）  承辦單位：{$department}  辦理期限：{$due}
show-category = 類別：{$category}  優先等級：{$priority}  可信度：{$credibility}  希望獲得獎勵：{$reward}
show-links = 串併線索：{$tips}
show-transferred = 已於 {$day} 移交 {$to}
show-item-tip = 線索
show-item-followup = 補充資料
show-proof-holder = 是否來自回執碼持有人：是（以該線索回執碼衍生的金鑰簽章）
show-proof-not-proven = 是否來自回執碼持有人：無法證明。它沒有該線索回執金鑰的有效簽章，可能是控制入口網站的人加入的：不要把它當作舉報人的話
show-proof-unchecked = 是否來自回執碼持有人：無法核驗（該線索早於補充資料開始簽章之時）
show-attachment = 附件 {$number}：{$name}（{$size} 位元組，{$kind}）{$metadata}{$written}
show-unknown-type = 類型不明
show-metadata-removed = ，已去除中繼資料
show-metadata-kept = ，按原樣保存：可能帶有中繼資料
show-end-holder = --- 補充資料結束：來自回執碼持有人 ---
show-end-not-proven = --- 補充資料結束：無法證明來自回執碼持有人 ---
show-end-unchecked = --- 補充資料結束：無法核驗 ---
show-text-note = 備註
show-text-content = 內容
show-text-public-note = 公開說明
show-text-reply = 給舉報人的答覆
show-text-summary = 摘要（督辦通知）
show-empty-lines = {$lines} 個空行
cli-cannot-create = 無法建立 {$file}：{$reason}
cli-cannot-create-attachment = 無法建立 {$file}（{$reason}）；請使用一個空資料夾
cli-search-empty = 請給出要搜尋的文字
cli-searching = 正在搜尋
cli-matched-in = 符合位置：{$fields}
cli-tips-found = 找到 {$tips} 則線索
cli-report-not-a-date = {$given} 不是日期；請寫成 YYYY-MM-DD
cli-report-from-after-to = --from {$from} 晚於 --to {$to}：統計期間為空
cli-report-render-failed = 產生報表失敗：{$reason}
cli-report-written = 報表已寫入 {$file}
cli-core-dumps = 無法關閉核心傾印：{$reason}

## The reviewer's desk (src/bin/tipbox-review/desk/, templates/desk/).

desk-not-loopback = 工作台只在本機監聽：{$address} 不是本機迴路位址（請用 127.0.0.1:PORT）
desk-bad-lock-after = --lock-after-minutes 須為 1 至 1440
desk-cannot-start = 工作台無法啟動：{$reason}
desk-cannot-listen = 工作台無法在 {$address} 監聽：{$reason}
desk-stopped = 工作台已停止
desk-open-it = 請在本機瀏覽器中開啟上面的位址
desk-title = tipbox 工作台
desk-language = 語言
desk-unlock-title = 解鎖本單位金鑰
desk-unlock-intro = 工作台用本單位金鑰解密線索。請輸入通行密語；一段時間不用，或按下「鎖定」，金鑰會重新鎖定。
desk-passphrase = 通行密語
desk-unlock = 解鎖
desk-wrong-passphrase = 通行密語不正確，請重試。
desk-lock = 鎖定
desk-ledger-title = 線索台帳
desk-count-total = 收集
desk-count-finished = 查結
desk-count-stage-closed = 階段性查結
desk-count-in-progress = 正在核查
desk-count-overdue = 逾期
desk-status = 狀態
desk-any = （全部）
desk-category = 類別
desk-channel = 來源
desk-department = 承辦單位
desk-overdue-only = 只看逾期
desk-search = 搜尋內容
desk-apply = 顯示
desk-shown = 共 {$tips} 則線索
desk-id = 編號
desk-received = 收到日期
desk-due = 辦理期限
desk-overdue = 逾期
desk-pages = 分頁
desk-previous = 上一頁
desk-next = 下一頁
desk-page-of = 第 {$page} 頁，共 {$pages} 頁
desk-tip-title = 線索 {$id}
desk-back = 返回台帳
desk-public-status = 舉報人所見
desk-links = 串併線索
desk-attachments = 附件
desk-bytes = {$size} 位元組
desk-metadata-removed = 已去除中繼資料
desk-metadata-kept = 按原樣保存：可能帶有中繼資料
desk-attachments-hint = 附件不會在瀏覽器中開啟。如需保存，請寫入資料夾：tipbox-review show TIP --attachments-to FOLDER
desk-notes = 備註和答覆
desk-history = 辦理紀錄（稽核日誌）
desk-when = 時間
desk-who = 人員
desk-action = 操作
desk-detail = 詳情
desk-not-found = 沒有這個頁面或線索。

## The `list` table (list.rs).

list-overdue-warning = 提醒：{$tips} 則線索已超過期限（tipbox-review list --overdue）
list-head-id = 編號
list-head-received = 收到日期
list-head-channel = 來源
list-head-category = 類別
list-head-status = 狀態
list-head-due = 期限
list-head-department = 承辦單位
list-count = 共 {$tips} 則線索
