// The supervision dashboard: one server-sent event per interval with the whole cluster picture.
(function () {
  'use strict';
  const activeSeries = [];
  const $ = (id) => document.getElementById(id);
  const text = (v) => (v === null || v === undefined ? '' : String(v));

  function cell(row, value, cls) {
    const td = document.createElement('td');
    td.textContent = text(value);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function callLink(row, callId) {
    const td = document.createElement('td');
    const a = document.createElement('a');
    a.className = 'call';
    a.textContent = callId;
    a.addEventListener('click', () => drill(callId));
    td.appendChild(a);
    row.appendChild(td);
  }

  function fill(tableId, items, render, emptyText) {
    const body = $(tableId).querySelector('tbody');
    body.replaceChildren();
    if (!items || items.length === 0) {
      const tr = body.insertRow();
      const td = cell(tr, emptyText, 'empty');
      td.colSpan = $(tableId).querySelectorAll('th').length || 1;
      return;
    }
    for (const item of items) {
      const tr = document.createElement('tr');
      render(tr, item);
      body.appendChild(tr);
    }
  }

  function seconds(fromIso, nowIso) {
    if (!fromIso) return '';
    const s = Math.max(0, Math.round((Date.parse(nowIso) - Date.parse(fromIso)) / 1000));
    return s >= 60 ? Math.floor(s / 60) + 'm ' + (s % 60) + 's' : s + 's';
  }

  function lastNode(nodes) {
    return nodes && nodes.length ? nodes[nodes.length - 1] : '';
  }

  function line(svgId, points) {
    const svg = $(svgId);
    svg.replaceChildren();
    if (points.length === 0) return;
    const max = Math.max(1, ...points.map((p) => p[1]));
    const step = points.length > 1 ? 300 / (points.length - 1) : 0;
    const d = points.map((p, i) => (i ? 'L' : 'M') + (i * step).toFixed(1) + ' '
        + (88 - (p[1] / max) * 80).toFixed(1)).join(' ');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', '#1457c0');
    path.setAttribute('stroke-width', '2');
    svg.appendChild(path);
    const label = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    label.setAttribute('x', '4');
    label.setAttribute('y', '12');
    label.setAttribute('font-size', '11');
    label.textContent = 'max ' + max + ', now ' + points[points.length - 1][1];
    svg.appendChild(label);
  }

  function render(s) {
    $('served-by').textContent = s.servedBy;
    $('updated').textContent = s.at;
    fill('members', s.members, (tr, m) => {
      cell(tr, m.address + (m.leader ? ' (leader)' : '') + (m.self ? ' (this node)' : ''));
      cell(tr, m.status, m.status === 'Up' ? 'ok' : 'warn');
      cell(tr, m.reachable ? 'yes' : 'UNREACHABLE', m.reachable ? 'ok' : 'bad');
      cell(tr, (m.roles || []).filter((r) => !r.startsWith('dc-')).join(', '));
    }, 'no members');
    fill('shards', s.shards, (tr, r) => {
      cell(tr, r.type); cell(tr, r.node); cell(tr, r.shards); cell(tr, r.entities);
      cell(tr, r.failedShards, r.failedShards ? 'bad' : '');
    }, 'no shards allocated yet');
    const active = s.activeCalls || [];
    $('active-count').textContent = active.length;
    fill('active-calls', active, (tr, c) => {
      tr.dataset.callId = c.callId;
      callLink(tr, c.callId); cell(tr, c.lastEvent); cell(tr, text(c.direction).toLowerCase());
      cell(tr, c.uid); cell(tr, c.sipParty); cell(tr, lastNode(c.nodes));
      cell(tr, seconds(c.answeredAt || c.startedAt, s.at));
    }, s.historyError || 'no active calls');
    fill('recent-calls', s.recentCalls, (tr, c) => {
      tr.dataset.callId = c.callId;
      callLink(tr, c.callId); cell(tr, c.startedAt); cell(tr, text(c.direction).toLowerCase());
      cell(tr, c.uid); cell(tr, c.sipParty);
      cell(tr, c.endCause || '(' + c.lastEvent + ')', c.endCause && !/HANGUP/.test(c.endCause) ? 'warn' : '');
      cell(tr, (c.nodes || []).join(', '));
    }, s.historyError || 'no calls in the last day');
    fill('destinations', s.destinations, (tr, d) => {
      cell(tr, d.set); cell(tr, d.server); cell(tr, d.node);
      cell(tr, d.up ? 'up' : 'DOWN', d.up ? 'ok' : 'bad');
      cell(tr, d.weight + ' / ' + d.priority);
      cell(tr, d.lastProbe ? d.lastProbe + ' (' + d.lastOutcome + ')' : 'not probed');
      cell(tr, d.latencyMillis < 0 ? '-' : d.latencyMillis.toFixed(1) + ' ms');
      cell(tr, d.invites);
    }, 'no destination sets');
    fill('supervision', s.supervision, (tr, e) => {
      tr.dataset.kind = e.kind;
      cell(tr, e.at); cell(tr, e.node); cell(tr, e.kind, 'bad'); cell(tr, e.subject);
      cell(tr, e.detail, 'wrap');
    }, 'nothing restarted or failed');
    activeSeries.push([s.at, active.length]);
    if (activeSeries.length > 300) activeSeries.shift();
    line('chart-active', activeSeries);
    line('chart-setups', s.setupsPerSecond || []);
    const outcomes = Object.entries(s.outcomes || {});
    fill('outcomes', outcomes, (tr, o) => { cell(tr, o[0]); cell(tr, o[1]); }, 'no calls ended');
  }

  async function drill(callId) {
    $('drilldown').hidden = false;
    $('drill-id').textContent = callId;
    const [replay, sip] = await Promise.all([
      fetch('/api/calls/' + encodeURIComponent(callId) + '/replay').then((r) => r.ok ? r.json() : { steps: [] }),
      fetch('/api/calls/' + encodeURIComponent(callId) + '/sip').then((r) => r.ok ? r.json() : []),
    ]);
    fill('timeline', replay.steps, (tr, st) => {
      cell(tr, st.seq); cell(tr, st.written); cell(tr, st.node); cell(tr, st.event);
      cell(tr, st.before + ' → ' + st.after);
    }, 'no events in the journal');
    const box = $('sip');
    box.replaceChildren();
    if (sip.length === 0) {
      box.textContent = 'no SIP messages kept for this call on any node';
      box.className = 'empty';
    }
    for (const m of sip) {
      const pre = document.createElement('pre');
      pre.textContent = m.at + '  ' + m.node + '  ' + (m.sent ? 'sent to ' + m.to : 'received from ' + m.from)
          + '\n' + m.text;
      box.appendChild(pre);
    }
  }

  function connect() {
    const events = new EventSource('/dashboard/events');
    events.onopen = () => { $('status').textContent = 'live'; $('status').className = 'live'; };
    events.onmessage = (e) => render(JSON.parse(e.data));
    events.onerror = () => { $('status').textContent = 'reconnecting'; $('status').className = 'down'; };
  }

  // the SIP access counters of the node serving this page, read from its /metrics
  function sample(text, name, label) {
    let sum = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(name) && (!label || line.includes(label))) {
        const v = parseFloat(line.substring(line.lastIndexOf(' ') + 1));
        if (!isNaN(v)) sum += v;
      }
    }
    return sum;
  }

  function sipAccess() {
    fetch('/metrics').then((r) => r.ok ? r.text() : '').then((m) => {
      if (!m) return;
      const d = 'rtc2sip_sip_requests_dropped_total', i = 'rtc2sip_sip_invite_access_total';
      const cells = [
        sample(m, 'rtc2sip_sip_bans_active'),
        sample(m, 'rtc2sip_sip_bans_total'),
        [sample(m, d, '"banned"'), sample(m, d, '"rate_limited"'), sample(m, d, '"scanner"')].join(' / '),
        [sample(m, i, '"challenged"'), sample(m, i, '"authenticated"'),
          sample(m, i, '"refused_untrusted"') + sample(m, i, '"refused_bad_credentials"')].join(' / '),
        sample(m, 'rtc2sip_sip_malformed_total'),
        sample(m, 'rtc2sip_sip_foreign_challenges_total')];
      const row = document.createElement('tr');
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = String(c);
        row.appendChild(td);
      }
      const body = $('sip-access').querySelector('tbody');
      body.replaceChildren(row);
    }).catch(() => {});
  }

  connect();
  sipAccess();
  setInterval(sipAccess, 5000);
})();
