"""Every string of the page's interface: one table per language, the same keys in each.

The page gets both tables (inline JSON, read by ``static/app.js``) and switches language without
a reload. ``{limit}`` and similar placeholders are filled in by the script. Findings' own
messages come from the rules and stay in English; the policy sources of the two UN General
Assembly resolutions are translated here (``policy.crimea``, ``policy.oblasts``).
"""

from __future__ import annotations

EN: dict[str, str] = {
    "lang.name": "English",
    "lang.switch": "Мова: українська",
    "lang.switch_label": "Switch the page to Ukrainian",
    "title": "mapcheck: does this map show Crimea as Russian?",
    "intro": (
        "Drop in a map picture, a map data file or a document. mapcheck checks whether it shows "
        "Crimea or the occupied parts of Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts as "
        "Russian, explains why that matters and what to use instead."
    ),
    "privacy": (
        "Everything runs on this computer. Nothing is sent to the internet, and the file is "
        "deleted as soon as the check is done."
    ),
    "form.legend": "What to check",
    "drop.title": "Drop a file here",
    "drop.or": "or",
    "drop.choose": "Choose a file…",
    "drop.kinds": (
        "Pictures (PNG, JPEG, WebP, GIF, TIFF, SVG), map data (GeoJSON, TopoJSON, zipped "
        "Shapefile, GeoPackage, KML), documents (PDF, DOCX, ODT, HTML, text)."
    ),
    "drop.selected": "Selected: {name}",
    "drop.limit": "Up to {limit}.",
    "drop.clear": "Remove",
    "paste.label": "…or paste text",
    "paste.placeholder": "Paste a paragraph, a caption or a list of places",
    "profile.legend": "Policy",
    "profile.un": "UN and EU non-recognition (default)",
    "profile.ua-strict": "Ukrainian usage (stricter: “disputed” is an error)",
    "check": "Check",
    "busy": "Checking… a picture can take a few seconds.",
    "busy.seconds": "{seconds} s",
    "result.heading": "Result",
    "result.for": "Result for {name}",
    "result.pasted": "the pasted text",
    "result.took": "Checked in {seconds} s with the “{profile}” policy.",
    "verdict.flag": "Shows Russian sovereignty",
    "verdict.warn": "Needs attention",
    "verdict.clean": "No problems found",
    "verdict.undetermined": "Could not decide",
    "verdict.error": "Could not check",
    "verdict.flag.explain": (
        "This shows Crimea or occupied Ukrainian territory as part of Russia. Publishing it "
        "would go against the non-recognition of Russia's annexation. Use a corrected version."
    ),
    "verdict.warn.explain": (
        "Nothing here shows the territory as Russian, but something neutralises its status "
        "(for example “disputed”). Read the findings below."
    ),
    "verdict.clean.explain": (
        "mapcheck found nothing that shows Crimea or the occupied oblasts as Russian."
    ),
    "verdict.undetermined.explain": (
        "mapcheck could not tell from this input. Look at it yourself; the notes below say "
        "what could not be judged."
    ),
    "verdict.error.explain": "The file could not be read. The reason is below.",
    "findings.heading": "What was found",
    "finding.severity.error": "Error",
    "finding.severity.warning": "Warning",
    "finding.severity.info": "Note",
    "finding.where": "Where",
    "finding.passage": "In the text",
    "finding.why": "Why it matters",
    "finding.fix": "What to do",
    "finding.code": "Rule {code}",
    "pictures.heading": "Evidence picture",
    "pictures.caption": (
        "What the checker fitted and sampled: Crimea's outline in magenta, the four oblasts "
        "in orange, Ukraine in blue, Russia in red; the areas whose colours were compared are "
        "outlined in the same colours. The banner on top repeats the verdict."
    ),
    "pictures.alt": "Evidence picture {n}: the map with the fitted outlines and sampled areas",
    "figures.heading": "Pictures in the document",
    "figures.explain": (
        "Each picture that could be a map was checked on its own; the verdict above includes "
        "what they show."
    ),
    "fix.heading": "Corrected file",
    "fix.download": "Download the corrected file ({name})",
    "fix.changes": "What was changed:",
    "fix.nothing": "There is nothing mapcheck can correct automatically in this file.",
    "fix.failed": "A corrected file could not be made: {reason}",
    "notes.heading": "How mapcheck decided",
    "error.heading": "The check did not run",
    "error.too_large": "The file is too large: the limit is {limit}. Try a smaller file.",
    "error.form": "The upload could not be read. Please try again.",
    "error.one_file": "Please check one file at a time.",
    "error.empty": "Choose a file or paste some text first.",
    "error.profile": "Unknown policy.",
    "error.forbidden": "This request was refused (it did not come from this page).",
    "error.server": "Something went wrong on the local server ({status}).",
    "error.network": "The local mapcheck server did not answer. Is it still running?",
    "policy.crimea": (
        "UN General Assembly resolution 68/262 (2014) affirms Ukraine's territorial integrity "
        "within its internationally recognized borders and calls on all states not to "
        "recognize any change to the status of Crimea and Sevastopol"
    ),
    "policy.oblasts": (
        "UN General Assembly resolution ES-11/4 (2022) declares the purported annexation of "
        "Donetsk, Luhansk, Zaporizhzhia and Kherson oblasts invalid and calls on all states "
        "not to recognize it"
    ),
    "footer": "mapcheck {version}. Runs offline.",
}

UK: dict[str, str] = {
    "lang.name": "Українська",
    "lang.switch": "Language: English",
    "lang.switch_label": "Перемкнути сторінку на англійську",
    "title": "mapcheck: чи показує ця мапа Крим російським?",
    "intro": (
        "Додайте зображення мапи, файл картографічних даних або документ. mapcheck перевіряє, "
        "чи показано в ньому Крим або окуповані частини Донецької, Луганської, Запорізької та "
        "Херсонської областей як російські, пояснює, чому це важливо, і що використати натомість."
    ),
    "privacy": (
        "Усе працює на цьому комп'ютері. Нічого не надсилається в інтернет, а файл видаляється "
        "одразу після перевірки."
    ),
    "form.legend": "Що перевірити",
    "drop.title": "Перетягніть файл сюди",
    "drop.or": "або",
    "drop.choose": "Виберіть файл…",
    "drop.kinds": (
        "Зображення (PNG, JPEG, WebP, GIF, TIFF, SVG), картографічні дані (GeoJSON, TopoJSON, "
        "Shapefile у ZIP, GeoPackage, KML), документи (PDF, DOCX, ODT, HTML, текст)."
    ),
    "drop.selected": "Вибрано: {name}",
    "drop.limit": "До {limit}.",
    "drop.clear": "Прибрати",
    "paste.label": "…або вставте текст",
    "paste.placeholder": "Вставте абзац, підпис або перелік місць",
    "profile.legend": "Політика",
    "profile.un": "Невизнання ООН і ЄС (типово)",
    "profile.ua-strict": "Українська практика (суворіше: «спірний» — помилка)",
    "check": "Перевірити",
    "busy": "Перевіряємо… зображення може займати кілька секунд.",
    "busy.seconds": "{seconds} с",
    "result.heading": "Результат",
    "result.for": "Результат для {name}",
    "result.pasted": "вставленого тексту",
    "result.took": "Перевірено за {seconds} с за політикою «{profile}».",
    "verdict.flag": "Показує російський суверенітет",
    "verdict.warn": "Потребує уваги",
    "verdict.clean": "Проблем не знайдено",
    "verdict.undetermined": "Не вдалося визначити",
    "verdict.error": "Не вдалося перевірити",
    "verdict.flag.explain": (
        "Тут Крим або окуповану українську територію показано як частину Росії. Публікація "
        "суперечила б невизнанню російської анексії. Використайте виправлену версію."
    ),
    "verdict.warn.explain": (
        "Тут територію не показано як російську, але її статус знецінено (наприклад, "
        "«спірна»). Перегляньте знахідки нижче."
    ),
    "verdict.clean.explain": (
        "mapcheck не знайшов нічого, що показувало б Крим або окуповані області російськими."
    ),
    "verdict.undetermined.explain": (
        "mapcheck не зміг визначити за цим файлом. Перегляньте його самостійно; нотатки нижче "
        "пояснюють, що не вдалося оцінити."
    ),
    "verdict.error.explain": "Файл не вдалося прочитати. Причина — нижче.",
    "findings.heading": "Що знайдено",
    "finding.severity.error": "Помилка",
    "finding.severity.warning": "Попередження",
    "finding.severity.info": "Примітка",
    "finding.where": "Де",
    "finding.passage": "У тексті",
    "finding.why": "Чому це важливо",
    "finding.fix": "Що зробити",
    "finding.code": "Правило {code}",
    "pictures.heading": "Наочний доказ",
    "pictures.caption": (
        "Що перевірка наклала й виміряла: контур Криму — пурпуровий, чотири області — "
        "помаранчеві, Україна — синя, Росія — червона; ділянки, кольори яких порівнювано, "
        "обведено тими самими кольорами. Напис угорі повторює висновок."
    ),
    "pictures.alt": "Наочний доказ {n}: мапа з накладеними контурами та виміряними ділянками",
    "figures.heading": "Зображення в документі",
    "figures.explain": (
        "Кожне зображення, що може бути мапою, перевірено окремо; висновок угорі враховує, "
        "що вони показують."
    ),
    "fix.heading": "Виправлений файл",
    "fix.download": "Завантажити виправлений файл ({name})",
    "fix.changes": "Що змінено:",
    "fix.nothing": "У цьому файлі немає нічого, що mapcheck може виправити автоматично.",
    "fix.failed": "Не вдалося створити виправлений файл: {reason}",
    "notes.heading": "Як mapcheck ухвалив рішення",
    "error.heading": "Перевірку не виконано",
    "error.too_large": "Файл завеликий: обмеження — {limit}. Спробуйте менший файл.",
    "error.form": "Не вдалося прочитати завантаження. Спробуйте ще раз.",
    "error.one_file": "Перевіряйте один файл за раз.",
    "error.empty": "Спершу виберіть файл або вставте текст.",
    "error.profile": "Невідома політика.",
    "error.forbidden": "Запит відхилено (він надійшов не з цієї сторінки).",
    "error.server": "На локальному сервері сталася помилка ({status}).",
    "error.network": "Локальний сервер mapcheck не відповідає. Він ще працює?",
    "policy.crimea": (
        "Резолюція Генеральної Асамблеї ООН 68/262 (2014) підтверджує територіальну "
        "цілісність України в її міжнародно визнаних кордонах і закликає всі держави не "
        "визнавати жодних змін статусу Криму та Севастополя"
    ),
    "policy.oblasts": (
        "Резолюція Генеральної Асамблеї ООН ES-11/4 (2022) визнає недійсною спробу анексії "
        "Донецької, Луганської, Запорізької та Херсонської областей і закликає всі держави не "
        "визнавати її"
    ),
    "footer": "mapcheck {version}. Працює без інтернету.",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "uk": UK}
