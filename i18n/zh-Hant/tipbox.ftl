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
refused-not-a-portal-id = {$portal} 不是入口網站編號（32 位小寫十六進位數字，`import` 和 `tipbox-portal site` 會顯示）
refused-site-with-itself = 入口網站不能與自身組成站點：請在 --with 後寫出該站點的另一個入口網站
refused-in-another-site = 入口網站 {$portal} 已屬於另一個站點（{$site}）：請先用 `tipbox-review site remove {$portal}` 將其移出
refused-other-receipt-parameters = 入口網站 {$portal} 衍生回執金鑰所用的參數（站點識別碼 {$portal_site}）與入口網站 {$with}（站點識別碼 {$with_site}）不同：它啟動時未使用該站點的站點檔案，無法回應該站點的任何回執。請在現有入口網站上產生站點檔案（`tipbox-portal site --data DIR --out site.json`），用 `--site site.json` 和一個空的資料資料夾啟動新入口網站，匯入其第一個包，再將該入口網站加入（這些站點識別碼取自各入口網站自己最近一個包的自述；尚未為其包簽章的入口網站（2026-12-08 之前的 tipbox），任何人都能以它的名義寫包；若您確信無誤，請從每個入口網站匯入一個新包後重試）

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
cli-imported-from-portal = 入口網站 {$portal}{" "}
cli-imported = 已從{$from}匯入：新線索 {$tips} 則，新補充資料 {$followups} 份，{$known} 項先前已匯入
cli-handover-marks-cleared = 入口網站 {$portal} 的 {$tips} 則線索曾隨一個自稱其他單位移交包的資料包到達，被標記為該單位的線索（不匯出、不答覆）。這是該入口網站自己的資料包：這些線索屬於它，標記已取消。發出那種資料包的入口網站可能已被他人控制：請安排檢查
cli-tips-completed = 先前根據先到的補充資料建立的 {$tips} 則線索，已收到其本身的線索內容
cli-followups-left-out-not-held = 入口網站 {$portal} 送來 {$count} 份針對另一入口網站線索的補充資料，但本台帳沒有這些線索：未匯入。它們仍留在入口網站上；包中其餘內容不受影響。
cli-followups-left-out-outside-site = 入口網站 {$portal} 送來 {$count} 份補充資料，針對的是不在其站點內的入口網站的線索（見 `tipbox-review site list`），且未經該線索回執簽名：未匯入。它們仍留在入口網站上；若那個入口網站應重新歸入該站點，請用 `tipbox-review site add` 加入，再匯入下一個包。
cli-site-id-differs = 入口網站 {$portal} 的包所稱的回執參數（站點識別碼 {$site}）與同一站點的入口網站 {$other}（站點識別碼 {$other_site}）不同。若屬實，二者都無法回應對方的回執。請在入口網站本機上核對：`tipbox-portal site --data DIR --out -` 會顯示各入口網站的站點識別碼，未用站點檔案建立的入口網站與之不同。站點識別碼只是入口網站自己的包所稱（入口網站為其包簽章之前，即 2026-12-08 之前的 tipbox，任何人都能以它的名義寫包），請勿僅憑此警告讓入口網站退役。
cli-not-a-portal-key = {$given} 不是入口網站金鑰：請填寫入口網站本機上 `tipbox-portal export` 在「signed with portal key」之後顯示的 64 位十六進位數字。
cli-portal-key-pinned = 入口網站 {$portal} 用入口網站金鑰 {$key} 為其包簽章：本台帳今後只接受該入口網站用此金鑰簽章的包。請核對一次：入口網站上 `tipbox-portal export` 顯示的是同一金鑰。
cli-portal-key-replaced = 入口網站 {$portal} 的包簽章金鑰 {$old} 已按您的指示（--new-portal-key，已記入稽核日誌）換為 {$new}。今後用舊金鑰簽章的包將被拒絕。
cli-portal-unsigned = 入口網站 {$portal} 的包未簽章：該入口網站執行的是 2026-12-08 之前的 tipbox。升級之前，任何能交給您包的人都能以它的名義寫包。請升級它；它的第一個簽章包將固定其金鑰。
cli-updates-caught-up = 入口網站 {$portal} 已套用第 {$theirs} 號更新包，但本台帳只向它匯出到第 {$ours} 號。本台帳比入口網站最後收到的內容更舊：它是從較早的備份還原的，或是一份副本。該備份之後作出的狀態變更、答覆和獎勵決定都不在其中；請在下一次匯出前重新辦理，否則舉報人會看到舊的狀態。下一次匯出從第 {$next} 號更新包繼續。
cli-followups-joined = 補充資料已併入線索 {$tips}：可用 `tipbox-review show TIP` 查看
cli-followups-joined-more = 補充資料已併入線索 {$tips} 及另外 {$more} 則：可用 `tipbox-review show TIP` 查看
cli-unproven-followups = 線索 {$tips} 含有一份無法證明來自舉報人的補充資料：它沒有該線索回執金鑰的有效簽章，可能是控制入口網站的人編造的。`tipbox-review show TIP` 會標出它；沒有其他依據時，不要把它當作舉報人的話來辦理
cli-exported = 入口網站 {$portal} 的第 {$sequence} 號更新包：{$tips} 則線索有公開變化，{$acks} 項接收確認 -> {$file}
cli-finished-left-out = {$tips} 則已辦結線索未包含在內：其公開狀態早於 [publishing] finished_days
cli-site-added = 入口網站 {$portal} 已加入站點 {$site}：{$portals}。自下一次 `export --out-dir` 起，其中每個入口網站都會收到本站點線索的公開記錄
cli-site-removed = 入口網站 {$portal} 已退出站點 {$site}：自下一次匯出起，它只答覆自己收到的線索
cli-site-none = 入口網站 {$portal} 不屬於任何站點；未作變更
cli-site-list = 站點 {$site}：{$portals}
cli-site-list-empty = 尚未記錄任何站點：每個入口網站只答覆自己收到的線索

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
cli-not-an-acknowledgement = {$file} 不是受理回執：它應當是狀態頁顯示的五行文字，從「tipbox acknowledgement v1」到「signature: ...」
cli-ack-key-given = 所給的驗證金鑰
cli-ack-key-current = 本單位目前的金鑰
cli-ack-key-earlier = 本單位先前的金鑰（已更換）
cli-no-verify-key = 沒有驗證金鑰：請用 --verify-key KEY 給出本單位的驗證金鑰，或在本單位的台帳中執行（{$folder} 中沒有 keys/{$file}）
cli-ack-holds = 受理回執有效，由{$which}簽章：單位 {$office}，編號 {$number}，收到日期 {$received}
cli-ack-does-not-hold = 受理回執無效：簽章不是本單位的（或其中某一行被改動過）
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
cli-inside-ledger = {$file} 位於台賬目錄 {$ledger} 之內：請寫到別處（移動儲存媒體，或單獨的資料夾）
cli-public-note-blank = 給舉報人的說明是空白的：請填寫說明，或不加 --public-note
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
error-portal-key-differs = 此包以入口網站 {$portal} 的名義寫成，用入口網站金鑰 {$given} 簽章，但本台帳認定該入口網站的金鑰是 {$pinned}（在其第一個簽章包時固定）。要麼是別人（另一個入口網站，或交給您檔案的人）以該入口網站的名義寫了它，要麼是該入口網站遺失了金鑰檔並產生了新金鑰。未匯入任何內容。請在入口網站本機上執行 `tipbox-portal export`，它會顯示其簽章用的金鑰：只有顯示為 {$given} 時，才用 `--new-portal-key {$given}` 重新匯入；否則請把包留作證據，並安排檢查入口網站
error-portal-bundle-unsigned = 此包以入口網站 {$portal} 的名義寫成，但未簽章，而該入口網站會為其包簽章（本台帳已固定其金鑰 {$pinned}）。要麼是別人以該入口網站的名義寫了它，要麼是該入口網站又執行了舊版 tipbox。未匯入任何內容。請從入口網站本機取包，並使用 2026-12-08 或之後的 tipbox
error-new-portal-key-not-this = 已給出 --new-portal-key {$expected}，但此包是用入口網站金鑰 {$signed} 簽章的。未匯入任何內容。請填寫寫出此包的入口網站上 `tipbox-portal export` 顯示的金鑰
error-new-portal-key-unsigned = 已給出 --new-portal-key {$expected}，但此包未簽章。未匯入任何內容。請填寫寫出此包的入口網站上 `tipbox-portal export` 顯示的金鑰
error-bundle-bad-signature = 資料包的入口網站簽章無效：它在入口網站簽章後被改動過，或是偽造的。請從入口網站重新複製；若仍被拒絕，請把它留作證據，並安排檢查入口網站
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
desk-locks-after = 本單位金鑰在 {$minutes} 分鐘不用後重新鎖定
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
desk-attachments-hint = 附件不會在瀏覽器中開啟。如需查看，請寫入資料夾（寫出的是解密後的檔案：請用本機上只有本單位使用的資料夾，不要寫到要交給別人的移動儲存媒體），並謹慎開啟。
desk-write-attachments = 把附件寫入資料夾
desk-folder = 資料夾
desk-do-write-attachments = 寫入
desk-attachments-written = 已將 {$files} 個附件寫入 {$folder}：
desk-notes = 備註和答覆
desk-history = 辦理紀錄（稽核日誌）
desk-when = 時間
desk-who = 人員
desk-action = 操作
desk-detail = 詳情
desk-not-found = 沒有這個頁面或線索。
desk-field-unknown = 欄位 {$name}（不是表單中的欄位）
desk-not-a-file = 這不是檔案（而是資料夾、管道或裝置）：請填寫檔案的完整路徑。
desk-form-too-large = 表單內容過大（最多 4 MiB）。請縮短內容，或將長文分幾次作為備註錄入。
desk-form-unreadable = 工作台無法讀取此表單。請返回後重新提交。
desk-received-from = 收到日期自
desk-received-to = 收到日期至
desk-not-a-day = 日期格式不對，請寫成 YYYY-MM-DD。
desk-add-title = 錄入線索
desk-add-text = 舉報內容（來電、來信、來訪所述）
desk-add-files = 隨附檔案（本機上的完整路徑，每行一個）
desk-add-hint = 收到日期：留空為今天。檔案加密存入台賬，原檔案保留原處。
desk-do-add = 錄入
desk-backup = 備份台賬
desk-backup-hint = 備份以本單位金鑰加密；請與本機分開保存。
desk-do-backup = 備份
desk-verify-backup = 核驗備份
desk-do-verify-backup = 核驗
desk-verify-audit = 核驗審計日誌
desk-verify-audit-hint = 核驗每條記錄的雜湊鏈：記錄被改動或刪除即可發現。
desk-do-verify-audit = 核驗
desk-keys = 本單位金鑰
desk-recipients = 加密公鑰（供入口網站使用）
desk-verify-key = 驗證公鑰（供入口網站和舉報人使用）
desk-change-passphrase = 修改口令
desk-current-passphrase = 目前口令
desk-new-passphrase = 新口令（至少 8 個字元）
desk-new-passphrase-again = 再次輸入新口令
desk-do-change-passphrase = 修改
desk-add-key = 新增本單位身分金鑰（金鑰輪換）
desk-retire-old = 只加密給新身分（停用舊身分）
desk-add-key-hint = 完成後請把新的加密公鑰（見上）提供給入口網站。
desk-do-add-key = 新增
desk-new-signing-key = 更換簽名金鑰
desk-new-signing-key-hint = 舊驗證公鑰保留為已停用，其簽發的受理回執仍可核驗。
desk-do-new-signing-key = 更換
desk-notice = 交辦單（可列印）
desk-notice-summary = 交辦單上的線索摘要（留空則留出手寫欄）
desk-notice-hint = 開具時即佔用交辦單編號（記入台賬），隨後開啟可列印的頁面。
desk-do-notice = 開具交辦單
desk-transfer = 移送其他單位
desk-transfer-to = 接收單位
desk-transfer-recipient = 對方的 age 公鑰（用於移交包）
desk-transfer-file = 移交包檔案
desk-transfer-hint = 填寫公鑰和檔案時，線索材料重新加密給對方並寫入該檔案；都不填則只登記移送。
desk-do-transfer = 移送
desk-not-a-choice = 這不是可選的項目之一。
desk-field-missing = 請填寫內容。
desk-not-an-absolute-path = 請填寫本機上檔案的完整路徑，以 / 開頭（例如 /media/usb/inbox.tbx）。
desk-not-a-number = 請填寫數字（只用阿拉伯數字）。
desk-warning = 注意
desk-casework = 辦理
desk-triage = 研判
desk-priority = 優先級
desk-credibility = 可信度
desk-unchanged = （不變）
desk-do-triage = 儲存研判
desk-assign = 交辦
desk-due-hint = 辦理期限：留空則按本單位的預設期限（ledger.toml）。
desk-do-assign = 交辦
desk-set-status = 辦理狀態
desk-public-note = 給舉報人的說明（隨狀態公開）
desk-public-note-hint = 舉報人憑回執碼在下次更新後可見。請勿在此寫內部備註。
desk-do-status = 更新狀態
desk-reply = 答覆舉報人
desk-reply-text = 答覆
desk-reply-hint = 隨下一個更新包發往入口網站。
desk-do-reply = 發送答覆
desk-note = 內部備註
desk-note-text = 備註（不向舉報人公開）
desk-do-note = 新增備註
desk-link = 串併線索
desk-link-other = 另一條線索的編號
desk-do-link = 串併
desk-reward = 舉報獎勵
desk-reward-amount = 金額（元）
desk-do-approve = 批准獎勵
desk-reward-paid = 獎勵已發放
desk-reward-paid-hint = 僅在憑舉報人的領獎憑證當面發放後登記。
desk-do-paid = 登記為已發放
desk-office-title = 本單位
desk-import = 匯入資料包（從移動儲存媒體）
desk-file = 檔案
desk-import-hint = 入口網站的收件包，或其他單位的移交包。
desk-do-import = 匯入
desk-export = 匯出更新包（到移動儲存媒體）
desk-portal = 入口網站
desk-export-hint = 填寫檔案：匯出一個入口網站的更新包（台賬從多個入口網站匯入時須填寫入口網站）；填寫資料夾：為站點的每個入口網站各匯出一個 入口網站編號.tbu。
desk-do-export = 匯出
desk-claim = 現場領獎核驗
desk-claim-token = 舉報人出示的領獎憑證
desk-do-claim = 核驗
desk-report = 統計報表
desk-from = 起始日期
desk-to = 截止日期
desk-format = 格式
desk-format-html = 網頁（可列印）
desk-do-report = 產生報表
desk-priority-high = 高
desk-priority-normal = 中
desk-priority-low = 低
desk-credibility-high = 高
desk-credibility-medium = 中
desk-credibility-low = 低
desk-credibility-unknown = 不明
desk-reward-none = 無
desk-reward-approved = {$amount} 元，{$on} 批准，尚未發放
desk-reward-is-paid = {$amount} 元，{$on} 已發放

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

## The command line's help (cli.rs), by the command's path: help-COMMAND[-long|-arg-ARG].

help =
    tipbox 審核人員命令列程式，在離線電腦上使用
help-after =
    結束代碼：0 表示成功；1 表示驗證未通過（audit verify、reward verify、backup verify、verify-acknowledgement）；2 表示用法或輸入錯誤（包括通行密語錯誤）。
help-arg-ledger =
    台帳資料夾
help-arg-passphrase_file =
    從這個檔案讀取通行密語，不再提示輸入（供指令稿使用）
help-arg-reviewer =
    記入稽核日誌的審核人員姓名 [預設：$USER]
help-arg-lang =
    程式的說明、提示訊息和表格所用的語言：en、zh-Hans 或 zh-Hant [預設：系統地區設定的語言，沒有則為 en]；也決定 HTML 報表的語言 [此處預設：zh-Hans]
help-init =
    建立台帳，產生本單位的 age 身分和簽章金鑰（均以通行密語加密），並印出入口網站需要的兩行
help-init-long =
    建立台帳，產生本單位的 age 身分和簽章金鑰（均以通行密語加密），並印出入口網站需要的兩行。
    
    對已有台帳加 --add-key：新增一個 age 身分（用於金鑰輪替，或增加一個接收金鑰）；加密給舊身分的線索仍可讀取。加 --new-signing-key：更換簽章金鑰（金鑰已外洩，或知道通行密語的人員已調離）。
    
    範例：tipbox-review --ledger /srv/ledger init;  tipbox-review init --add-key
help-init-arg-retire_old =
    與 --add-key 一起使用：從此只加密給新身分（舊身分可能已被複製）。舊身分仍保留在 identity.age 中，用於讀取先前加密給它們的內容；此後交給入口網站的只能是新的接收金鑰那一行
help-init-arg-new_signing_key =
    把本單位的簽章金鑰換成新的。隨後須把新的驗證金鑰那一行交給入口網站，下一個更新包會為每則線索的狀態重新簽章；舊的驗證金鑰移入 keys/retired-verify-keys.txt
help-passphrase =
    變更保護本單位身分和簽章金鑰的通行密語（知道通行密語的人員已調離，或通行密語可能已被他人看到）。先要求輸入目前的通行密語，再輸入兩次新通行密語。存放在別處的 identity.age 副本，以及先前製作的備份所帶的金鑰，仍使用舊通行密語：請替換這些副本，並重新製作一份備份
help-passphrase-long =
    變更保護本單位身分和簽章金鑰的通行密語（知道通行密語的人員已調離，或通行密語可能已被他人看到）。先要求輸入目前的通行密語，再輸入兩次新通行密語。存放在別處的 identity.age 副本，以及先前製作的備份所帶的金鑰，仍使用舊通行密語：請替換這些副本，並重新製作一份備份。
    
    範例：tipbox-review passphrase
help-passphrase-arg-new_passphrase_file =
    從這個檔案讀取新通行密語，不再提示輸入（供指令稿使用）
help-import =
    匯入入口網站的收件包，或其他單位用 `transfer --recipient` 寫出的移交包。重複匯入不會產生任何變化
help-import-long =
    匯入入口網站的收件包，或其他單位用 `transfer --recipient` 寫出的移交包。重複匯入不會產生任何變化。
    
    範例：tipbox-review import /media/usb/inbox-2026-11-22.tbx; zstd -dc inbox.tbx.zst | tipbox-review import -
help-import-arg-file =
    收件包檔案；寫 `-` 表示從標準輸入讀取
help-import-arg-new_portal_key =
    接受此包簽章金鑰（64 位十六進位數字）作為該包入口網站的金鑰，取代台帳已固定的金鑰：僅在入口網站本機上 `tipbox-portal export` 顯示了該金鑰之後使用（入口網站遺失了金鑰檔）。記入稽核日誌
help-list =
    列出線索：逾期的排在最前，其餘按最近的期限排列；不解密，不需要通行密語
help-list-long =
    列出線索：逾期的排在最前，其餘按最近的期限排列；不解密，不需要通行密語。
    
    範例：tipbox-review list --overdue;  tipbox-review list --status assigned --json
help-list-arg-category =
    類別鍵或預設類別的完整名稱，寫法與 `triage` 相同
help-list-arg-overdue =
    只列出已超過期限的線索
help-show =
    解密並顯示一則線索，連同其補充資料和備註
help-show-long =
    解密並顯示一則線索，連同其補充資料和備註。
    
    範例：tipbox-review show 12 --attachments-to ./case-12
help-show-arg-attachments_to =
    把附件寫入資料夾 DIR，檔名由 tipbox 選定（本程式從不開啟附件）
help-triage =
    線索研判：設定線索的類別、優先等級和可信度
help-triage-long =
    線索研判：設定線索的類別、優先等級和可信度。
    
    範例：tipbox-review triage 12 --priority high --credibility medium --category loan-shark
help-triage-arg-category =
    類別鍵（如 loan-shark），或入口網站上顯示的預設類別完整名稱（如 套路貸、非法高利放貸、暴力催收）
help-assign =
    把線索分流/轉辦給一個部門，並設定核查期限
help-assign-long =
    把線索分流/轉辦給一個部門，並設定核查期限。
    
    範例：tipbox-review assign 12 --to 县公安局 --due 2026-12-31
help-assign-arg-due =
    YYYY-MM-DD [預設：今天加上 ledger.toml 中的 verify_days 天]
help-status =
    設定線索的台帳狀態
help-status-long =
    設定線索的台帳狀態。
    
    範例：tipbox-review status 12 verifying --public-note "已转相关部门核查"
help-status-arg-public_note =
    給舉報人的簡短說明，隨狀態一起發布（審核人員的內部備註從不發布）；寫 `-` 則從標準輸入讀取
help-reply =
    答覆舉報人：加密給該線索的答覆金鑰（只有回執碼能開啟），隨下一次 `export` 發布
help-reply-long =
    答覆舉報人：加密給該線索的答覆金鑰（只有回執碼能開啟），隨下一次 `export` 發布。
    
    範例：tipbox-review reply 12 --message "感谢您的举报，线索已转办，请耐心等待。"
help-reply-arg-message =
    答覆內容；寫 `-` 則從標準輸入讀取
help-reward =
    舉報獎勵：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`（領獎碼相符時結束代碼為 0 並顯示線索編號，否則為 1）
help-reward-long =
    舉報獎勵：`reward TIP approve --amount N`、`reward TIP paid` 或 `reward verify TOKEN`（領獎碼相符時結束代碼為 0 並顯示線索編號，否則為 1）。
    
    範例：tipbox-review reward 12 approve --amount 5000;  tipbox-review reward verify "1234 5678 ..."
help-reward-arg-first =
    TIP（線索編號），或 `verify`
help-reward-arg-second =
    `approve` 或 `paid`（接在 TIP 後面），或領獎碼（接在 `verify` 後面）
help-reward-arg-amount =
    獎勵金額，單位為元（與 approve 一起使用）
help-export =
    為入口網站寫出已簽章的更新包：公開狀態和說明、答覆、獎勵決定，以及對已匯入項目的接收確認（這些項目在入口網站最近一個收件包中仍有保存，入口網站收到確認後將其刪除）。其他單位移交來的線索不包含在內：由那些單位答覆各自的舉報人
help-export-long =
    為入口網站寫出已簽章的更新包：公開狀態和說明、答覆、獎勵決定，以及對已匯入項目的接收確認（這些項目在入口網站最近一個收件包中仍有保存，入口網站收到確認後將其刪除）。其他單位移交來的線索不包含在內：由那些單位答覆各自的舉報人。
    
    使用 --out-dir 時：為台帳答覆的每個入口網站各寫出一個更新包，檔案為 DIR/PORTAL_ID.tbu；站點中的入口網站還會收到本站點其他線索的公開記錄。
    
    範例：tipbox-review export --out /media/usb/update.tbu；tipbox-review export --out-dir /media/usb/updates
help-export-arg-out =
    更新包的寫出位置（寫 `-` 表示輸出到標準輸出）
help-export-arg-portal =
    入口網站編號，線索來自多個入口網站時使用
help-export-arg-out_dir =
    為台帳答覆的每個入口網站各寫出一個更新包，放在此資料夾中，檔名為 PORTAL_ID.tbu
help-site =
    哪些入口網站共用一個公開位址（站點，位於 Onionbalance 或負載平衡之後）：由本單位決定。站點中的每個入口網站都會在更新包中收到本站點線索的公開記錄，因此每個回執碼在每個入口網站上都能使用；為其他入口網站的線索提交的補充資訊會併入該線索。入口網站須先用其站點檔案（`tipbox-portal site`）建立，再加入站點
help-site-long =
    哪些入口網站共用一個公開位址（站點，位於 Onionbalance 或負載平衡之後）：由本單位決定。站點中的每個入口網站都會在更新包中收到本站點線索的公開記錄，因此每個回執碼在每個入口網站上都能使用；為其他入口網站的線索提交的補充資訊會併入該線索。入口網站須先用其站點檔案（`tipbox-portal site`）建立，再加入站點。
    
    範例：tipbox-review site add NEW_PORTAL_ID --with FIRST_PORTAL_ID；tipbox-review site list；tipbox-review site remove OLD_PORTAL_ID
help-site-add =
    將一個入口網站加入台帳已答覆的某個入口網站所在的站點（記入稽核日誌）
help-site-add-arg-portal =
    加入的入口網站（其編號，`tipbox-portal site` 或 `import` 會顯示）
help-site-add-arg-with =
    它所加入站點中的一個入口網站
help-site-remove =
    將一個入口網站移出其站點（記入稽核日誌）：此後它只答覆自己收到的線索
help-site-remove-arg-portal =
    移出的入口網站
help-site-list =
    列出各站點及其入口網站
help-note =
    新增內部備註（加密保存，從不公開）。TEXT 寫 `-` 則從標準輸入讀取，這樣內容不會留在 shell 的歷史紀錄檔中
help-note-long =
    新增內部備註（加密保存，從不公開）。TEXT 寫 `-` 則從標準輸入讀取，這樣內容不會留在 shell 的歷史紀錄檔中。
    
    範例：tipbox-review note 12 "与第7号线索涉及同一工地"
help-link =
    串併：把兩則相關線索關聯起來
help-link-long =
    串併：把兩則相關線索關聯起來。
    
    範例：tipbox-review link 12 7
help-transfer =
    把線索移交其他單位，如把涉及公職人員的線索移交紀委監委；加 --recipient 時，還寫出一個加密給該單位金鑰的移交包（網路舉報的線索連同其補充資料，或錄入的線索連同其檔案），由該單位匯入
help-transfer-long =
    把線索移交其他單位，如把涉及公職人員的線索移交紀委監委；加 --recipient 時，還寫出一個加密給該單位金鑰的移交包（網路舉報的線索連同其補充資料，或錄入的線索連同其檔案），由該單位匯入。
    
    範例：tipbox-review transfer 12 --to 县纪委监委 --recipient age1... --out handover-12.tbx
help-transfer-arg-recipient =
    接收單位的 age 接收金鑰
help-transfer-arg-out =
    移交包的寫出位置（與 --recipient 一起使用）
help-add =
    錄入透過電話、來信、來訪或舉報信箱收到的線索
help-add-long =
    錄入透過電話、來信、來訪或舉報信箱收到的線索。
    
    範例：tipbox-review add --channel letter --category village-tyrant --text-file letter.txt --attachment scan-1.jpg
help-add-arg-category =
    類別鍵或預設類別的完整名稱，寫法與 `triage` 相同
help-add-arg-received =
    YYYY-MM-DD [預設：今天]
help-add-arg-text =
    線索內容
help-add-arg-text_file =
    從檔案讀取線索內容（寫 `-` 表示從標準輸入讀取）
help-add-arg-attachments =
    隨線索收到的檔案（來信掃描檔、照片）；有多個檔案時重複使用此選項。檔案原樣加密存入台帳（從不開啟），與網路舉報線索的附件相同
help-search =
    搜尋解密後內容（文字欄位、附件名稱、錄入的線索、備註）中包含 TEXT 的線索，不區分大小寫和全形半形（１３８ 能找到 138）。只在記憶體中解密
help-search-long =
    搜尋解密後內容（文字欄位、附件名稱、錄入的線索、備註）中包含 TEXT 的線索，不區分大小寫和全形半形（１３８ 能找到 138）。只在記憶體中解密。
    
    範例：tipbox-review search 非法采砂 --json  （TEXT 寫 `-` 則從標準輸入讀取）
help-notice =
    為承辦部門產生可列印的督辦通知書：通知書編號、審核人員對線索的摘要（從不包含舉報原文）、辦理期限、密級標示。記入台帳和稽核日誌
help-notice-long =
    為承辦部門產生可列印的督辦通知書：通知書編號、審核人員對線索的摘要（從不包含舉報原文）、辦理期限、密級標示。記入台帳和稽核日誌。
    
    範例：tipbox-review notice 12 --to 县公安局 --summary "反映某村村霸强占集体土地" --out notice-12.html
help-notice-arg-summary =
    您對線索的摘要，措辭不得洩露舉報人身分（寫 `-` 則從標準輸入讀取）。不給摘要時，通知書上留一個空白框，供手寫摘要；線索原文從不寫入通知書
help-notice-arg-due =
    YYYY-MM-DD [預設：該線索分流時設定的辦理期限，沒有則為今天加上 verify_days 天]
help-notice-arg-out =
    通知書檔案（HTML，可用 A4 紙列印；寫 `-` 表示輸出到標準輸出）
help-report =
    只根據台帳欄位統計（從不涉及線索內容）：按狀態、類別、來源管道和承辦部門分別合計，以及辦結率、每週新收線索、逾期、移交、獎勵
help-report-long =
    只根據台帳欄位統計（從不涉及線索內容）：按狀態、類別、來源管道和承辦部門分別合計，以及辦結率、每週新收線索、逾期、移交、獎勵。
    
    範例：tipbox-review report --from 2026-01-01 --to 2026-06-30; tipbox-review report --format html --out report.html;  tipbox-review report --format csv --out report.csv
help-report-arg-from =
    統計起始日（YYYY-MM-DD），含當天
help-report-arg-to =
    統計截止日（YYYY-MM-DD），含當天
help-report-arg-out =
    寫入檔案 FILE，而不是輸出到標準輸出
help-backup =
    為整個台帳製作一致的加密快照（加密給本單位的接收金鑰，並以本單位身分認證：需要輸入通行密語）；或用 `backup verify FILE` 驗證一份備份，而不還原它
help-backup-long =
    為整個台帳製作一致的加密快照（加密給本單位的接收金鑰，並以本單位身分認證：需要輸入通行密語）；或用 `backup verify FILE` 驗證一份備份，而不還原它。
    
    範例：tipbox-review backup --out /media/backup/ledger-2026-11-22.tbk; tipbox-review backup verify /media/backup/ledger-2026-11-22.tbk
help-backup-arg-out =
    備份的寫出位置
help-backup-verify =
    完整驗證一份備份，並驗證它確由本單位製作，不還原
help-backup-verify-arg-identity =
    本單位身分 [預設：台帳中的 keys/identity.age；沒有台帳時，用備份所帶的金鑰]
help-backup-verify-arg-accept_unauthenticated =
    也接受備份開始認證之前製作的備份（格式 1，2026-11-30 以前）：沒有任何依據表明它是本單位製作的。只用於您確定來源的檔案
help-restore =
    把備份還原到空資料夾或新資料夾（--ledger DIR）；絕不覆蓋已有台帳。備份帶有本單位金鑰，這些金鑰以製作備份時的通行密語加密：還原時要求輸入那個通行密語，此外不需要任何東西
help-restore-long =
    把備份還原到空資料夾或新資料夾（--ledger DIR）；絕不覆蓋已有台帳。備份帶有本單位金鑰，這些金鑰以製作備份時的通行密語加密：還原時要求輸入那個通行密語，此外不需要任何東西。
    
    範例：tipbox-review restore ledger-2026-11-22.tbk --ledger /srv/ledger-restored
help-restore-arg-identity =
    用這個身分開啟備份，而不用備份所帶的金鑰：可以是以通行密語保護的 identity.age，也可以是未加密的 age 身分檔案。2026-12-01 以前製作的備份不帶金鑰，必須使用此選項
help-restore-arg-accept_unauthenticated =
    也接受備份開始認證之前製作的備份（格式 1，2026-11-30 以前）：沒有任何依據表明它是本單位製作的。只用於您確定來源的檔案
help-verify-acknowledgement =
    驗證舉報人保存的受理回執（即入口網站狀態頁上顯示的那份）：是否由本單位簽章，以及其中寫了什麼。不需要台帳，也不需要通行密語，只需要本單位公布的驗證金鑰。結束代碼 0：回執有效；1：回執無效
help-verify-acknowledgement-long =
    驗證舉報人保存的受理回執（即入口網站狀態頁上顯示的那份）：是否由本單位簽章，以及其中寫了什麼。不需要台帳，也不需要通行密語，只需要本單位公布的驗證金鑰。結束代碼 0：回執有效；1：回執無效。
    
    範例：tipbox-review verify-acknowledgement ack.txt --verify-key 3f2a...
help-verify-acknowledgement-arg-file =
    儲存為文字檔的受理回執；寫 `-` 表示從標準輸入讀取
help-verify-acknowledgement-arg-verify_key =
    本單位的驗證金鑰 [預設：台帳中的 keys/verify-key.txt，以及本單位已停用的舊驗證金鑰]
help-audit =
    審核人員的稽核日誌
help-audit-verify =
    驗證雜湊鏈；日誌如被改動，結束代碼為 1，並指出第一筆有問題的紀錄
help-desk =
    審核人員工作台：在本機執行的台帳網頁介面，使用本單位的語言，只能從本機存取。程式輸出帶一次性權杖的位址，並在桌面瀏覽器中開啟
help-desk-long =
    審核人員工作台：在本機執行的台帳網頁介面，使用本單位的語言，只能從本機存取。程式輸出帶一次性權杖的位址，並在桌面瀏覽器中開啟。
    
    範例：tipbox-review desk（或：tipbox-review desk --no-open --listen 127.0.0.1:8700）
help-desk-arg-listen =
    監聽位址：只能是本機迴路位址；連接埠為 0 時自動選擇空閒連接埠
help-desk-arg-no_open =
    不開啟瀏覽器，只輸出位址
help-desk-arg-lock_after_minutes =
    多少分鐘不用後重新鎖定本單位金鑰（1-1440）[預設：ledger.toml 中 `[desk] lock_after_minutes` 的設定，未設定時為 15]
