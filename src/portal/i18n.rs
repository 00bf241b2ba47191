//! The portal's languages. Simplified Chinese is the default; the language comes from
//! `?lang=`, then `Accept-Language`. No cookie remembers it: links and forms carry `lang`.

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

    /// Pick the language: an explicit `?lang=` wins, then the best `Accept-Language` entry.
    pub fn negotiate(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = query.and_then(Lang::from_code) {
            return lang;
        }
        let mut best: Option<(f32, Lang)> = None;
        for entry in accept_language.unwrap_or("").split(',').take(20) {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, lang));
                }
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::ZhHans)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::ZhHans => &ZH_HANS,
            Lang::ZhHant => &ZH_HANT,
            Lang::En => &EN,
        }
    }
}

/// Every string a page shows, in one language.
pub struct Texts {
    pub site_name: &'static str,
    pub tagline: &'static str,
    pub intro: &'static str,
    pub submit_link: &'static str,
    pub status_link: &'static str,
    pub home_link: &'static str,
    pub safety_title: &'static str,
    pub safety_items: [&'static str; 5],
    pub recorded_title: &'static str,
    pub recorded_items: [&'static str; 4],
    pub submit_title: &'static str,
    pub category_label: &'static str,
    pub location_label: &'static str,
    pub location_hint: &'static str,
    pub description_label: &'static str,
    pub description_hint: &'static str,
    pub attachment_label: &'static str,
    pub attachment_hint: &'static str,
    pub reward_label: &'static str,
    pub reward_hint: &'static str,
    pub honeypot_label: &'static str,
    pub submit_button: &'static str,
    pub receipt_title: &'static str,
    pub receipt_intro: &'static str,
    pub receipt_warning: &'static str,
    pub receipt_next: &'static str,
    pub status_title: &'static str,
    pub receipt_label: &'static str,
    pub receipt_hint: &'static str,
    pub status_button: &'static str,
    pub status_heading: &'static str,
    pub received_on: &'static str,
    pub replies_title: &'static str,
    pub no_replies: &'static str,
    pub followup_title: &'static str,
    pub followup_hint: &'static str,
    pub message_label: &'static str,
    pub followup_button: &'static str,
    pub followup_done_title: &'static str,
    pub followup_done: &'static str,
    pub back_to_status: &'static str,
    pub errors_title: &'static str,
    pub err_description_required: &'static str,
    pub err_description_short: &'static str,
    pub err_category: &'static str,
    pub err_rejected: &'static str,
    pub err_busy: &'static str,
    pub err_too_large: &'static str,
    pub err_too_many_files: &'static str,
    pub err_image_too_large: &'static str,
    pub err_image_damaged: &'static str,
    pub err_reattach: &'static str,
    pub err_receipt_empty: &'static str,
    pub err_receipt_chars: &'static str,
    pub err_receipt_length: &'static str,
    pub err_receipt_check: &'static str,
    pub err_receipt_unknown: &'static str,
    pub err_message_required: &'static str,
    pub err_internal: &'static str,
    pub err_not_found: &'static str,
    pub err_bad_request: &'static str,
    pub status_received: &'static str,
    pub status_verifying: &'static str,
    pub status_stage_closed: &'static str,
    pub status_closed: &'static str,
    pub status_not_accepted: &'static str,
    pub status_transferred: &'static str,
    pub demo_banner: &'static str,
    pub language_label: &'static str,
}

impl Texts {
    /// Label for a public status key.
    pub fn status_label(&self, key: &str) -> &'static str {
        match key {
            "received" => self.status_received,
            "verifying" => self.status_verifying,
            "stage-closed" => self.status_stage_closed,
            "closed" => self.status_closed,
            "not-accepted" => self.status_not_accepted,
            "transferred" => self.status_transferred,
            _ => self.status_received,
        }
    }
}

pub static ZH_HANS: Texts = Texts {
    site_name: "涉黑涉恶线索举报",
    tagline: "匿名、加密、可查询进展",
    intro: "您可以在这里匿名举报黑恶势力及其“保护伞”的违法犯罪线索。您的举报在到达服务器的同时即被加密，只有办案单位在离线电脑上才能解密。提交后您会得到一个回执码，凭它可以查询办理进展、阅读回复、补充材料和申领举报奖励。",
    submit_link: "我要举报",
    status_link: "查询进展",
    home_link: "首页",
    safety_title: "如何保护自己",
    safety_items: [
        "尽量使用 Tor 浏览器访问本站，并选择“最安全”级别；本站不需要 JavaScript。",
        "不要使用单位的电脑、手机或网络提交举报。",
        "照片（JPEG/PNG/WebP）中的位置、拍摄时间和设备信息会在加密前被自动删除；其他文件（如 Word、PDF、视频）会原样保存，其中可能含有作者姓名等信息，请先自行检查。",
        "不要在描述中写出能认出您的细节（例如只有您知道的事）。",
        "回执码是唯一凭证，请抄写在安全的地方，不要截图保存在会被别人查看的设备上。",
    ],
    recorded_title: "本站记录什么、不记录什么",
    recorded_items: [
        "不记录：您的 IP 地址、浏览器信息、Cookie、姓名、电话，以及精确的提交时间（只保留日期）。",
        "您填写的内容和上传的文件在到达时即加密，服务器本身无法读取。",
        "服务器只保存由回执码计算出的查询密钥，不保存回执码本身。",
        "办案单位的回复经过签名，本站无法伪造。",
    ],
    submit_title: "提交举报线索",
    category_label: "线索类别",
    location_label: "发生地点",
    location_hint: "例如：某县某镇某村，或某单位。可以不填。",
    description_label: "线索描述（必填）",
    description_hint: "请写明什么人、做了什么、在哪里、大约什么时候、有什么证据。不要写出能认出您的信息。",
    attachment_label: "证据材料（可选，可多选）",
    attachment_hint: "照片、文件、录音等。照片中的位置等信息会被删除；其他文件原样保存。",
    reward_label: "我希望在查证属实后申请举报奖励",
    reward_hint: "奖励凭回执码申领，无需提供姓名。",
    honeypot_label: "请勿填写此项",
    submit_button: "加密并提交",
    receipt_title: "举报已提交",
    receipt_intro: "您的举报已加密保存。这是您的回执码：",
    receipt_warning: "请现在就把回执码抄写下来。它无法找回，也无法重新发送：本站没有保存它。没有回执码，任何人（包括我们）都无法查询这条举报。",
    receipt_next: "之后请凭回执码查询办理进展、阅读回复、补充材料。",
    status_title: "查询举报进展",
    receipt_label: "回执码",
    receipt_hint: "28 位数字；空格和短横线可有可无，全角数字也可以。",
    status_button: "查询",
    status_heading: "办理进展",
    received_on: "受理日期",
    replies_title: "办案单位的回复",
    no_replies: "暂无回复。",
    followup_title: "补充信息",
    followup_hint: "补充的内容同样会在到达时加密，并归入同一条举报。",
    message_label: "补充内容",
    followup_button: "加密并补充",
    followup_done_title: "补充信息已提交",
    followup_done: "您补充的信息已加密保存，将与原举报一并处理。",
    back_to_status: "返回查询",
    errors_title: "请检查以下问题",
    err_description_required: "请填写线索描述。",
    err_description_short: "线索描述太短，请至少写 {min} 个字，说明什么人、做了什么。",
    err_category: "请选择线索类别。",
    err_rejected: "表单无法接受，请刷新页面后重试。",
    err_busy: "当前提交的人较多，请稍等一分钟后再点一次提交。您填写的文字已保留。",
    err_too_large: "上传的内容太大（上限 {max}）。请减少或压缩附件后重试。",
    err_too_many_files: "附件太多（上限 {max} 个）。请打包成一个压缩文件后重试。",
    err_image_too_large: "有一张图片太大（上限 {max}），无法删除其中的位置信息。请缩小图片后重试。",
    err_image_damaged: "有一张图片已损坏，无法删除其中的位置信息。请换一张或打包为压缩文件后重试。",
    err_reattach: "出于安全原因，浏览器不会保留已选择的文件，请重新选择附件。",
    err_receipt_empty: "请输入回执码。",
    err_receipt_chars: "回执码只包含数字，请检查输入。",
    err_receipt_length: "回执码应为 {want} 位数字，您输入了 {got} 位。",
    err_receipt_check: "回执码的校验位不对：可能有一位数字抄错，或相邻两位颠倒了。请仔细核对。",
    err_receipt_unknown: "没有找到这个回执码对应的举报。请核对后重试。",
    err_message_required: "请填写补充内容或选择附件。",
    err_internal: "服务器暂时出错，您的内容没有丢失在本页中。请稍后再试。",
    err_not_found: "页面不存在。",
    err_bad_request: "请求格式不正确。",
    status_received: "已受理",
    status_verifying: "核查中",
    status_stage_closed: "阶段性查结",
    status_closed: "已查结",
    status_not_accepted: "不予受理",
    status_transferred: "已移交",
    demo_banner: "演示模式：本站使用公开的演示密钥，任何人都能解密。请勿提交真实举报。",
    language_label: "语言",
};

pub static ZH_HANT: Texts = Texts {
    site_name: "涉黑涉惡線索舉報",
    tagline: "匿名、加密、可查詢進展",
    intro: "您可以在這裡匿名舉報黑惡勢力及其「保護傘」的違法犯罪線索。您的舉報在到達伺服器的同時即被加密，只有辦案單位在離線電腦上才能解密。提交後您會得到一個回執碼，憑它可以查詢辦理進展、閱讀回覆、補充材料和申領舉報獎勵。",
    submit_link: "我要舉報",
    status_link: "查詢進展",
    home_link: "首頁",
    safety_title: "如何保護自己",
    safety_items: [
        "盡量使用 Tor 瀏覽器訪問本站，並選擇「最安全」級別；本站不需要 JavaScript。",
        "不要使用單位的電腦、手機或網路提交舉報。",
        "照片（JPEG/PNG/WebP）中的位置、拍攝時間和設備資訊會在加密前被自動刪除；其他檔案（如 Word、PDF、影片）會原樣保存，其中可能含有作者姓名等資訊，請先自行檢查。",
        "不要在描述中寫出能認出您的細節（例如只有您知道的事）。",
        "回執碼是唯一憑證，請抄寫在安全的地方，不要截圖保存在會被別人查看的設備上。",
    ],
    recorded_title: "本站記錄什麼、不記錄什麼",
    recorded_items: [
        "不記錄：您的 IP 位址、瀏覽器資訊、Cookie、姓名、電話，以及精確的提交時間（只保留日期）。",
        "您填寫的內容和上傳的檔案在到達時即加密，伺服器本身無法讀取。",
        "伺服器只保存由回執碼計算出的查詢密鑰，不保存回執碼本身。",
        "辦案單位的回覆經過簽名，本站無法偽造。",
    ],
    submit_title: "提交舉報線索",
    category_label: "線索類別",
    location_label: "發生地點",
    location_hint: "例如：某縣某鎮某村，或某單位。可以不填。",
    description_label: "線索描述（必填）",
    description_hint: "請寫明什麼人、做了什麼、在哪裡、大約什麼時候、有什麼證據。不要寫出能認出您的資訊。",
    attachment_label: "證據材料（可選，可多選）",
    attachment_hint: "照片、檔案、錄音等。照片中的位置等資訊會被刪除；其他檔案原樣保存。",
    reward_label: "我希望在查證屬實後申請舉報獎勵",
    reward_hint: "獎勵憑回執碼申領，無需提供姓名。",
    honeypot_label: "請勿填寫此項",
    submit_button: "加密並提交",
    receipt_title: "舉報已提交",
    receipt_intro: "您的舉報已加密保存。這是您的回執碼：",
    receipt_warning: "請現在就把回執碼抄寫下來。它無法找回，也無法重新發送：本站沒有保存它。沒有回執碼，任何人（包括我們）都無法查詢這條舉報。",
    receipt_next: "之後請憑回執碼查詢辦理進展、閱讀回覆、補充材料。",
    status_title: "查詢舉報進展",
    receipt_label: "回執碼",
    receipt_hint: "28 位數字；空格和短橫線可有可無，全形數字也可以。",
    status_button: "查詢",
    status_heading: "辦理進展",
    received_on: "受理日期",
    replies_title: "辦案單位的回覆",
    no_replies: "暫無回覆。",
    followup_title: "補充資訊",
    followup_hint: "補充的內容同樣會在到達時加密，並歸入同一條舉報。",
    message_label: "補充內容",
    followup_button: "加密並補充",
    followup_done_title: "補充資訊已提交",
    followup_done: "您補充的資訊已加密保存，將與原舉報一併處理。",
    back_to_status: "返回查詢",
    errors_title: "請檢查以下問題",
    err_description_required: "請填寫線索描述。",
    err_description_short: "線索描述太短，請至少寫 {min} 個字，說明什麼人、做了什麼。",
    err_category: "請選擇線索類別。",
    err_rejected: "表單無法接受，請重新整理頁面後重試。",
    err_busy: "目前提交的人較多，請稍等一分鐘後再按一次提交。您填寫的文字已保留。",
    err_too_large: "上傳的內容太大（上限 {max}）。請減少或壓縮附件後重試。",
    err_too_many_files: "附件太多（上限 {max} 個）。請打包成一個壓縮檔後重試。",
    err_image_too_large: "有一張圖片太大（上限 {max}），無法刪除其中的位置資訊。請縮小圖片後重試。",
    err_image_damaged: "有一張圖片已損壞，無法刪除其中的位置資訊。請換一張或打包為壓縮檔後重試。",
    err_reattach: "出於安全原因，瀏覽器不會保留已選擇的檔案，請重新選擇附件。",
    err_receipt_empty: "請輸入回執碼。",
    err_receipt_chars: "回執碼只包含數字，請檢查輸入。",
    err_receipt_length: "回執碼應為 {want} 位數字，您輸入了 {got} 位。",
    err_receipt_check: "回執碼的校驗位不對：可能有一位數字抄錯，或相鄰兩位顛倒了。請仔細核對。",
    err_receipt_unknown: "沒有找到這個回執碼對應的舉報。請核對後重試。",
    err_message_required: "請填寫補充內容或選擇附件。",
    err_internal: "伺服器暫時出錯，您的內容仍保留在本頁中。請稍後再試。",
    err_not_found: "頁面不存在。",
    err_bad_request: "請求格式不正確。",
    status_received: "已受理",
    status_verifying: "核查中",
    status_stage_closed: "階段性查結",
    status_closed: "已查結",
    status_not_accepted: "不予受理",
    status_transferred: "已移交",
    demo_banner: "示範模式：本站使用公開的示範密鑰，任何人都能解密。請勿提交真實舉報。",
    language_label: "語言",
};

pub static EN: Texts = Texts {
    site_name: "Report organized crime",
    tagline: "Anonymous, encrypted, with progress you can check",
    intro: "Here you can report, anonymously, what you know about criminal gangs and the officials who shield them (their \"protective umbrella\"). Your report is encrypted the moment it reaches the server; only the investigating office can decrypt it, on an offline computer. You will receive a receipt code: with it you can check progress, read replies, add information and claim a reward.",
    submit_link: "Submit a tip",
    status_link: "Check progress",
    home_link: "Home",
    safety_title: "How to stay safe",
    safety_items: [
        "If you can, use Tor Browser on the \"Safest\" setting. This site works without JavaScript.",
        "Do not use a work computer, work phone or work network.",
        "Location, time and camera details are removed from photos (JPEG/PNG/WebP) before encryption. Other files (Word, PDF, video...) are kept as sent and may contain your name or other details: check them first.",
        "Do not describe details that only you could know.",
        "The receipt code is your only key. Write it down somewhere safe; do not keep a screenshot on a device others can look at.",
    ],
    recorded_title: "What this site records, and what it does not",
    recorded_items: [
        "Not recorded: your IP address, browser details, cookies, name, phone number, or the exact time you submit (only the date is kept).",
        "What you write and upload is encrypted on arrival; the server itself cannot read it.",
        "The server keeps only a lookup key computed from your receipt code, never the code itself.",
        "Replies from the office are signed; this site cannot forge them.",
    ],
    submit_title: "Submit a tip",
    category_label: "Kind of tip",
    location_label: "Place",
    location_hint: "For example: county, town, village, or an organisation. Optional.",
    description_label: "What happened (required)",
    description_hint: "Who did what, where, roughly when, and what evidence exists. Do not include details that could identify you.",
    attachment_label: "Evidence (optional, several files allowed)",
    attachment_hint: "Photos, documents, audio. Location data is removed from photos; other files are kept as sent.",
    reward_label: "I would like to be considered for a reward if the tip is confirmed",
    reward_hint: "Rewards are claimed with the receipt code; no name is needed.",
    honeypot_label: "Leave this field empty",
    submit_button: "Encrypt and submit",
    receipt_title: "Your tip was submitted",
    receipt_intro: "Your tip has been encrypted and stored. This is your receipt code:",
    receipt_warning: "Write the receipt code down now. It cannot be recovered or sent again: this site does not keep it. Without it, nobody (including us) can look up this tip.",
    receipt_next: "Use the code later to check progress, read replies and add information.",
    status_title: "Check the progress of a tip",
    receipt_label: "Receipt code",
    receipt_hint: "28 digits; spaces and dashes are optional, full-width digits are fine.",
    status_button: "Check",
    status_heading: "Progress",
    received_on: "Received on",
    replies_title: "Replies from the office",
    no_replies: "No replies yet.",
    followup_title: "Add information",
    followup_hint: "What you add is encrypted on arrival too, and joined to the same tip.",
    message_label: "Additional information",
    followup_button: "Encrypt and add",
    followup_done_title: "Information added",
    followup_done: "What you added has been encrypted and stored; it will be handled with your tip.",
    back_to_status: "Back to the lookup",
    errors_title: "Please check the following",
    err_description_required: "Please describe what happened.",
    err_description_short: "The description is too short: please write at least {min} characters about who did what.",
    err_category: "Please choose the kind of tip.",
    err_rejected: "The form could not be accepted. Please reload the page and try again.",
    err_busy: "Many people are submitting right now. Please wait a minute and press submit again. Your text has been kept.",
    err_too_large: "The upload is too large (limit {max}). Please remove or compress attachments and try again.",
    err_too_many_files: "Too many attachments (limit {max}). Please put them into one archive and try again.",
    err_image_too_large: "An image is too large (limit {max}) for its location data to be removed. Please make it smaller and try again.",
    err_image_damaged: "An image is damaged, so its location data cannot be removed. Please use another one or put it into an archive.",
    err_reattach: "For your safety the browser does not keep chosen files: please choose your attachments again.",
    err_receipt_empty: "Please enter your receipt code.",
    err_receipt_chars: "A receipt code contains only digits. Please check what you typed.",
    err_receipt_length: "A receipt code has {want} digits; you entered {got}.",
    err_receipt_check: "The receipt code's check digit does not match: one digit is probably mistyped, or two neighbouring digits are swapped. Please check it carefully.",
    err_receipt_unknown: "No tip was found for this receipt code. Please check it and try again.",
    err_message_required: "Please write something or choose a file to add.",
    err_internal: "The server had a problem. Your text is still on this page. Please try again later.",
    err_not_found: "This page does not exist.",
    err_bad_request: "The request was not understood.",
    status_received: "Received",
    status_verifying: "Being verified",
    status_stage_closed: "Closed for this stage",
    status_closed: "Closed",
    status_not_accepted: "Not accepted",
    status_transferred: "Transferred",
    demo_banner: "DEMO MODE: this site uses the public demonstration keys; anyone can decrypt what is sent here. Do not submit real tips.",
    language_label: "Language",
};
