// fourway HTML report: filters, keyboard navigation, highlighting. No network, no libraries.
(function () {
  'use strict';
  var errs = document.getElementById('js-errors');
  function report(msg) {
    if (!errs) { return; }
    var d = document.createElement('div');
    d.className = 'js-error';
    d.textContent = String(msg);
    errs.appendChild(d);
    errs.hidden = false;
    errs.setAttribute('data-errors', String(errs.children.length));
  }
  window.addEventListener('error', function (e) {
    report((e.message || 'error') + ' at ' + (e.filename || '') + ':' + (e.lineno || 0));
  });
  window.addEventListener('unhandledrejection', function (e) { report('unhandled rejection: ' + e.reason); });

  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function sevOf(el) { var m = /(?:^|\s)sev-([a-z]+)/.exec(el.className); return m ? m[1] : 'info'; }
  function visible(el) { return !el.hidden; }

  var sel = document.getElementById('filter-client');
  var sevs = all('.filter-sev');
  var status = document.getElementById('filter-status');
  var items = all('.verdict, .client, .finding');
  var findings = all('.finding');
  var clients = all('.client');

  function apply() {
    var sta = sel ? sel.value : '';
    var on = {};
    sevs.forEach(function (c) { on[c.value] = c.checked; });
    var shown = 0;
    items.forEach(function (el) {
      var ok = (!sta || el.getAttribute('data-sta') === sta) && on[sevOf(el)] !== false;
      if (el.hidden === ok) { el.hidden = !ok; }
      if (ok && el.classList.contains('finding')) { shown++; }
    });
    if (status) { status.textContent = shown + ' of ' + findings.length + ' findings shown'; }
  }

  var lit = [];
  function clear() { lit.forEach(function (el) { el.classList.remove('hl'); }); lit = []; }
  function highlight(frame) {
    clear();
    if (!frame) { return; }
    all('svg [data-frame="' + frame + '"]').forEach(function (el) { el.classList.add('hl'); lit.push(el); });
    findings.forEach(function (f) {
      if ((' ' + f.getAttribute('data-frames') + ' ').indexOf(' ' + frame + ' ') >= 0) {
        f.classList.add('hl');
        lit.push(f);
      }
    });
  }
  // #f-N highlights frame N; #client=MAC and #sev=critical,major preset the filters.
  function fromHash() {
    var h = decodeURIComponent(location.hash || '');
    var m = /^#f-(\d+)$/.exec(h);
    if (m) { highlight(m[1]); return; }
    var c = /(?:^#|&)client=([0-9a-fA-F:]*)/.exec(h);
    var v = /(?:^#|&)sev=([a-z,]*)/.exec(h);
    if (c && sel) { sel.value = c[1].toLowerCase(); }
    if (v) {
      var want = v[1].split(',');
      sevs.forEach(function (x) { x.checked = want.indexOf(x.value) >= 0; });
    }
    if (c || v) { apply(); }
  }

  function step(list, dir) {
    var vis = list.filter(visible);
    if (!vis.length) { return; }
    var i = vis.indexOf(document.activeElement);
    if (i < 0) {
      i = dir > 0 ? 0 : vis.length - 1;
    } else {
      i = Math.min(vis.length - 1, Math.max(0, i + dir));
    }
    vis[i].focus();
    vis[i].scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var t = e.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'select' || tag === 'textarea') {
      if (e.key === 'Escape' && t.blur) { t.blur(); }
      return;
    }
    if (e.key === 'j') { step(findings, 1); }
    else if (e.key === 'k') { step(findings, -1); }
    else if (e.key === 'n') { step(clients, 1); }
    else if (e.key === 'p') { step(clients, -1); }
    else if (e.key === '/') { if (sel) { e.preventDefault(); sel.focus(); } }
    else if (e.key === 'Escape') { clear(); }
    else if (e.key === 'Enter' && t && t.classList) {
      var link = null;
      if (t.classList.contains('finding')) { link = t.querySelector('a.frame-link'); }
      else if (t.classList.contains('has-finding')) { link = t.querySelector('a.badge'); }
      if (link) { e.preventDefault(); location.hash = link.getAttribute('href'); }
      else if (t.getAttribute && t.getAttribute('data-frame')) { highlight(t.getAttribute('data-frame')); }
    } else { return; }
  });

  document.addEventListener('click', function (e) {
    var g = e.target && e.target.closest ? e.target.closest('svg [data-frame]') : null;
    if (g && g.getAttribute('data-frame')) { highlight(g.getAttribute('data-frame')); }
  });

  if (sel) { sel.addEventListener('change', apply); }
  sevs.forEach(function (c) { c.addEventListener('change', apply); });
  window.addEventListener('hashchange', fromHash);
  apply();
  fromHash();
  document.body.setAttribute('data-ready', '1');
  // Time to a laid-out page (navigation start to the load event, layout forced), for benchmarks.
  window.addEventListener('load', function () {
    void document.body.offsetHeight;
    document.body.setAttribute('data-load-ms', String(Math.round(performance.now())));
  });
}());
