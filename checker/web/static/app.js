// mapcheck serve: the page's behaviour. No framework, nothing loaded from elsewhere; every value
// from the server is put into the page with textContent, never as HTML.
(function () {
  'use strict';

  var TABLES = JSON.parse(document.getElementById('mapcheck-strings').textContent);
  var body = document.body;
  var LIMIT = parseInt(body.getAttribute('data-limit'), 10) || 0;
  var VERSION = body.getAttribute('data-version') || '';
  var lang = pickLanguage();
  var chosenFile = null;
  var lastResult = null;
  var lastProblem = null;
  var timer = null;

  var form = document.getElementById('check-form');
  var fileInput = document.getElementById('file');
  var drop = document.getElementById('drop');
  var text = document.getElementById('text');
  var submit = document.getElementById('submit');
  var busy = document.getElementById('busy');
  var elapsed = document.getElementById('elapsed');
  var statusRegion = document.getElementById('status');
  var result = document.getElementById('result');
  var resultHeading = document.getElementById('result-heading');
  var resultBody = document.getElementById('result-body');

  function pickLanguage() {
    var saved = null;
    try { saved = window.localStorage.getItem('mapcheck.lang'); } catch (e) { saved = null; }
    if (saved && TABLES[saved]) { return saved; }
    var nav = (navigator.language || 'en').toLowerCase();
    return nav.indexOf('uk') === 0 ? 'uk' : 'en';
  }

  function t(key, args) {
    var s = (TABLES[lang] && TABLES[lang][key]) || TABLES.en[key] || key;
    if (args) {
      Object.keys(args).forEach(function (k) { s = s.split('{' + k + '}').join(String(args[k])); });
    }
    return s;
  }

  function megabytes(n) {
    return (Math.round(n / 1048576 * 10) / 10) + ' MB';
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') { node.textContent = attrs[k]; } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.querySelectorAll('[data-i18n]').forEach(function (node) {
      var key = node.getAttribute('data-i18n');
      var args = node.hasAttribute('data-limit-text') ? { limit: megabytes(LIMIT) } : null;
      node.textContent = t(key, args);
    });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (node) {
      node.setAttribute('placeholder', t(node.getAttribute('data-i18n-placeholder')));
    });
    document.querySelectorAll('[data-i18n-label]').forEach(function (node) {
      node.setAttribute('aria-label', t(node.getAttribute('data-i18n-label')));
    });
    document.getElementById('footer').textContent = t('footer', { version: VERSION });
    // The switch is written in the other language: say so, for screen readers' pronunciation.
    document.getElementById('lang').setAttribute('lang', lang === 'uk' ? 'en' : 'uk');
    showChosen();
    if (lastResult) { render(lastResult, false); }
    if (lastProblem) { problem(lastProblem.key, lastProblem.args, false); }
  }

  document.getElementById('lang').addEventListener('click', function () {
    lang = lang === 'uk' ? 'en' : 'uk';
    try { window.localStorage.setItem('mapcheck.lang', lang); } catch (e) { /* private mode */ }
    applyLanguage();
  });

  // --- choosing a file: the picker, or drag and drop anywhere on the drop zone -------------
  function showChosen() {
    var box = document.getElementById('chosen');
    if (chosenFile) {
      document.getElementById('chosen-name').textContent = t('drop.selected', { name: chosenFile.name });
      box.hidden = false;
    } else {
      box.hidden = true;
    }
  }
  fileInput.addEventListener('change', function () {
    chosenFile = fileInput.files && fileInput.files.length ? fileInput.files[0] : null;
    showChosen();
  });
  document.getElementById('clear').addEventListener('click', function () {
    chosenFile = null;
    fileInput.value = '';
    showChosen();
    fileInput.focus();
  });
  ['dragenter', 'dragover'].forEach(function (type) {
    drop.addEventListener(type, function (ev) {
      ev.preventDefault();
      drop.classList.add('over');
    });
  });
  ['dragleave', 'drop'].forEach(function (type) {
    drop.addEventListener(type, function () { drop.classList.remove('over'); });
  });
  drop.addEventListener('drop', function (ev) {
    ev.preventDefault();
    var files = ev.dataTransfer && ev.dataTransfer.files;
    if (files && files.length) {
      chosenFile = files[0];
      showChosen();
    }
  });

  // --- checking ----------------------------------------------------------------------------
  function setBusy(on) {
    submit.disabled = on;
    busy.hidden = !on;
    form.setAttribute('aria-busy', on ? 'true' : 'false');
    if (timer) { window.clearInterval(timer); timer = null; }
    if (on) {
      var started = Date.now();
      elapsed.textContent = '';
      timer = window.setInterval(function () {
        elapsed.textContent = t('busy.seconds', { seconds: Math.round((Date.now() - started) / 1000) });
      }, 1000);
    }
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var pasted = text.value;
    if (!chosenFile && !pasted.trim()) {
      problem('error.empty', null, true);
      return;
    }
    if (chosenFile && LIMIT && chosenFile.size > LIMIT) {
      problem('error.too_large', { limit: megabytes(LIMIT) }, true);
      return;
    }
    var data = new FormData();
    var profile = form.querySelector('input[name="profile"]:checked');
    data.append('profile', profile ? profile.value : 'un');
    if (chosenFile) { data.append('file', chosenFile, chosenFile.name); } else { data.append('text', pasted); }
    lastResult = null;
    lastProblem = null;
    result.hidden = true;
    result.removeAttribute('data-state');
    resultBody.textContent = '';
    setBusy(true);
    statusRegion.textContent = t('busy');
    fetch('/api/check', {
      method: 'POST',
      body: data,
      headers: { 'X-Mapcheck': '1' },
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (json) {
        setBusy(false);
        if (response.ok && json && json.verdict) {
          render(json, true);
        } else if (json && json.error) {
          problem(json.error, { limit: json.limit ? megabytes(json.limit) : '', status: response.status }, true);
        } else {
          problem('error.server', { status: response.status }, true);
        }
      });
    }).catch(function () {
      setBusy(false);
      problem('error.network', null, true);
    });
  });

  // --- showing the result ------------------------------------------------------------------
  function problem(key, args, announce) {
    lastResult = null;
    lastProblem = { key: key, args: args };
    result.hidden = false;
    result.setAttribute('data-state', 'problem');
    resultHeading.textContent = t('error.heading');
    resultBody.textContent = '';
    resultBody.appendChild(el('p', { 'class': 'problem', id: 'problem', text: t(key, args) }));
    if (announce) {
      statusRegion.textContent = t('error.heading') + ': ' + t(key, args);
      resultHeading.focus();
    }
  }

  function base64ToBlob(data, mime) {
    var bin = window.atob(data);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    return new Blob([bytes], { type: mime });
  }

  function render(res, announce) {
    lastResult = res;
    lastProblem = null;
    result.hidden = false;
    result.setAttribute('data-state', 'done');
    var name = res.pasted ? t('result.pasted') : res.name;
    resultHeading.textContent = t('result.for', { name: name });
    resultBody.textContent = '';

    var v = res.verdict;
    var badge = el('span', { 'class': 'badge b-' + v, id: 'verdict', 'data-verdict': v, text: t('verdict.' + v) });
    resultBody.appendChild(el('div', { 'class': 'verdict v-' + v }, [
      badge, el('p', { text: t('verdict.' + v + '.explain') })
    ]));
    resultBody.appendChild(el('p', { 'class': 'muted small', text: t('result.took', { seconds: (Math.round(res.seconds * 10) / 10).toLocaleString(lang), profile: t('profile.' + res.profile) }) }));
    if (res.error) {
      resultBody.appendChild(el('p', { 'class': 'problem', text: res.error }));
    }

    if (res.findings && res.findings.length) {
      resultBody.appendChild(el('h3', { text: t('findings.heading') }));
      var list = el('ol', { 'class': 'findings', id: 'findings' });
      res.findings.forEach(function (f) { list.appendChild(finding(f)); });
      resultBody.appendChild(list);
    }

    if (res.pictures && res.pictures.length) {
      resultBody.appendChild(el('h3', { text: t('pictures.heading') }));
      res.pictures.forEach(function (p, i) {
        var img = el('img', { src: p.src, 'class': 'evidence', id: 'evidence-' + i, alt: t('pictures.alt', { n: i + 1 }) });
        resultBody.appendChild(el('figure', {}, [img, el('figcaption', { text: t('pictures.caption') })]));
      });
    }

    if (res.figures && res.figures.length) {
      resultBody.appendChild(el('h3', { text: t('figures.heading') }));
      resultBody.appendChild(el('p', { 'class': 'muted small', text: t('figures.explain') }));
      res.figures.forEach(function (fig, n) {
        var box = el('section', { 'class': 'figure', 'data-verdict': fig.verdict });
        box.appendChild(el('h4', {}, [
          el('span', { 'class': 'badge small-badge b-' + fig.verdict, text: t('verdict.' + fig.verdict) }),
          el('span', { text: ' ' + fig.label })
        ]));
        if (fig.findings.length) {
          var flist = el('ol', { 'class': 'findings' });
          fig.findings.forEach(function (f) { flist.appendChild(finding(f)); });
          box.appendChild(flist);
        }
        fig.pictures.forEach(function (p, i) {
          var img = el('img', { src: p.src, 'class': 'evidence', id: 'figure-' + n + '-evidence-' + i, alt: t('pictures.alt', { n: i + 1 }) + ' (' + fig.label + ')' });
          box.appendChild(el('figure', {}, [img, el('figcaption', { text: t('pictures.caption') })]));
        });
        resultBody.appendChild(box);
      });
    }

    if (res.fix) { resultBody.appendChild(fixBlock(res.fix)); }

    if (res.notes && res.notes.length) {
      var details = el('details', { 'class': 'notes', id: 'notes' }, [el('summary', { text: t('notes.heading') })]);
      // When mapcheck could not decide, the notes are the answer: show them.
      details.open = v === 'undetermined' || v === 'error';
      var ul = el('ul');
      res.notes.forEach(function (n) { ul.appendChild(el('li', { text: n })); });
      details.appendChild(ul);
      resultBody.appendChild(details);
    }

    if (announce) {
      statusRegion.textContent = t('result.for', { name: name }) + ': ' + t('verdict.' + v) + '. ' + t('verdict.' + v + '.explain');
      resultHeading.focus();
    }
  }

  function finding(f) {
    var item = el('li', { 'class': 'finding s-' + f.severity, 'data-code': f.code });
    item.appendChild(el('h4', {}, [
      el('span', { 'class': 'sev', text: t('finding.severity.' + f.severity) }),
      el('span', { text: f.message })
    ]));
    var dl = el('dl');
    function row(label, node) { dl.appendChild(el('dt', { text: label })); dl.appendChild(el('dd', {}, [node])); }
    if (f.passage) {
      var quote = el('blockquote', { 'class': 'passage' });
      quote.appendChild(document.createTextNode(f.passage.before));
      quote.appendChild(el('mark', { text: f.passage.match }));
      quote.appendChild(document.createTextNode(f.passage.after));
      row(t('finding.passage'), quote);
    }
    if (f.where) { row(t('finding.where'), el('span', { text: f.where })); }
    if (f.policy) {
      var policy = f.policy_key ? t('policy.' + f.policy_key) : f.policy;
      row(t('finding.why'), el('span', { text: policy }));
    }
    if (f.suggestion) { row(t('finding.fix'), el('span', { text: f.suggestion })); }
    item.appendChild(dl);
    item.appendChild(el('p', { 'class': 'code', text: t('finding.code', { code: f.code }) + ' · ' + f.name }));
    return item;
  }

  function fixBlock(fix) {
    var box = el('div', { 'class': 'fix', id: 'fix' }, [el('h3', { text: t('fix.heading') })]);
    if (fix.data) {
      var url = URL.createObjectURL(base64ToBlob(fix.data, fix.mime));
      box.appendChild(el('p', {}, [el('a', { href: url, download: fix.filename, 'class': 'button', id: 'fix-download', text: t('fix.download', { name: fix.filename }) })]));
    }
    if (fix.changes && fix.changes.length) {
      box.appendChild(el('p', { text: t('fix.changes') }));
      var ul = el('ul');
      fix.changes.forEach(function (c) { ul.appendChild(el('li', { text: c })); });
      box.appendChild(ul);
    } else if (fix.error) {
      box.appendChild(el('p', { text: t('fix.failed', { reason: fix.error }) }));
    } else {
      box.appendChild(el('p', { text: t('fix.nothing') }));
    }
    return box;
  }

  applyLanguage();
})();
