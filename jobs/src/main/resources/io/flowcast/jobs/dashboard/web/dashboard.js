'use strict';
// The flowcast dashboard page. Every text from the server (series keys are user input) goes into the
// page through textContent or createElement, never innerHTML. Its memory is bounded: the chart holds
// at most maxPoints events (the server's --points), lists are bounded by the server, and one series'
// window replaces the previous one on every update.
(function () {
  const state = {
    key: null,
    h: 1,
    stream: null,
    chart: null,
    chartShape: null,
    errorChart: null,
    maxPoints: 500,
    seriesHeld: -1,
    updates: 0,
  };
  // What the page drew last, for a reader and for the browser test.
  window.flowcast = { drawn: null, state: state };

  const $ = (id) => document.getElementById(id);

  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return Number(v).toPrecision(digits || 4);
  }

  function pct(v) {
    return v === null || v === undefined || !isFinite(v) ? '–' : (100 * v).toFixed(1) + ' %';
  }

  function iso(ms) {
    return new Date(ms).toISOString().replace('.000Z', 'Z');
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function keyButton(key) {
    const b = el('button', key, 'key');
    b.type = 'button';
    b.title = key;
    b.dataset.key = key;
    if (key === state.key) b.classList.add('selected');
    b.addEventListener('click', () => select(key));
    return b;
  }

  function fillList(ul, summaries, figure) {
    ul.replaceChildren(...summaries.map((s) => {
      const li = el('li');
      li.append(keyButton(s.key), el('span', figure(s), 'figure'));
      return li;
    }));
  }

  function ratio(s) {
    return s.persistenceMae > 0 && s.mae !== null ? s.mae / s.persistenceMae : null;
  }

  // ---- overview and picker ----

  function renderOverview(o) {
    state.maxPoints = o.pointsPerSeries || state.maxPoints;
    // New series arrived: the search results may now hold more.
    if (o.series !== state.seriesHeld) {
      state.seriesHeld = o.series;
      search();
    }
    const versions = Object.entries(o.servingVersions || {}).map(([v, n]) => 'v' + v + ' ' + n).join(', ');
    $('overview-figures').textContent = o.series + ' series held (at most ' + o.maxSeries + '; ' + o.evicted
      + ' evicted) · last ' + o.pointsPerSeries + ' points each · ' + o.forecastsRead + ' forecasts, '
      + o.errorsRead + ' errors read' + (o.refused ? ', ' + o.refused + ' refused' : '') + ' · anomalies '
      + o.anomalies + ' · mean MAE h=1 ' + fmt(o.meanMae) + ' (persistence ' + fmt(o.meanPersistenceMae)
      + ') · serving ' + (versions || '–');
    fillList($('worst'), o.worstByError, (s) => fmt(ratio(s) !== null ? ratio(s) : s.mae, 3));
    fillList($('most-anomalies'), o.mostAnomalies, (s) => String(s.anomalies));
    const rows = o.worstByError.slice();
    o.mostAnomalies.forEach((s) => { if (!rows.some((r) => r.key === s.key)) rows.push(s); });
    $('overview-table').tBodies[0].replaceChildren(...rows.map((s) => {
      const tr = el('tr');
      const first = el('td');
      first.append(keyButton(s.key));
      tr.append(first, el('td', s.points), el('td', fmt(s.mae)), el('td', fmt(s.persistenceMae)),
        el('td', fmt(ratio(s), 3)), el('td', pct(s.coverage)), el('td', s.anomalies), el('td', 'v' + s.modelVersion));
      return tr;
    }));
    if (state.key === null) {
      const first = o.worstByError[0] || o.mostAnomalies[0];
      if (first) select(first.key);
    }
  }

  let searchTimer = null;
  function search() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(async () => {
      const q = $('search').value;
      const res = await fetch('/api/search?q=' + encodeURIComponent(q));
      if (!res.ok) return;
      const found = await res.json();
      if (q !== $('search').value) return; // a later keystroke's answer is on its way
      fillList($('search-results'), found, (s) => s.points + ' pts');
      if (state.key === null && found.length > 0) select(found[0].key);
    }, 150);
  }

  // ---- one series ----

  function select(key) {
    state.key = key;
    document.querySelectorAll('button.key').forEach((b) => b.classList.toggle('selected', b.dataset.key === key));
    $('series-key').textContent = key;
    connect();
  }

  function connect() {
    if (state.stream) state.stream.close();
    const url = '/api/stream?key=' + encodeURIComponent(state.key || '') + '&h=' + state.h;
    const stream = new EventSource(url);
    state.stream = stream;
    stream.addEventListener('open', () => { $('status').textContent = 'live'; $('status').className = 'status live'; });
    stream.addEventListener('error', () => { $('status').textContent = 'reconnecting…'; $('status').className = 'status down'; });
    stream.addEventListener('overview', (e) => renderOverview(JSON.parse(e.data)));
    stream.addEventListener('series', (e) => {
      if (stream !== state.stream) return;
      const c = JSON.parse(e.data);
      if (c === null) {
        $('series-info').textContent = 'not held (yet): waiting for its records';
        return;
      }
      if (c.key === state.key) renderSeries(c);
    });
  }

  function tail(a, n) {
    return a.length > n ? a.slice(a.length - n) : a;
  }

  function count(a) {
    return a.reduce((n, v) => n + (v === null || v === undefined ? 0 : 1), 0);
  }

  function renderSeries(c) {
    state.updates++;
    const times = tail(c.times, state.maxPoints);
    const cut = c.times.length - times.length;
    const part = (a) => a.slice(cut);
    const observed = part(c.observed);
    const forecast = part(c.forecast);
    const n = times.length;
    const fan = c.fan || { times: [], values: [], low: [], high: [] };
    const future = fan.times.filter((t) => n === 0 || t > times[n - 1]);
    const nulls = (k) => new Array(k).fill(null);
    const xs = times.concat(future).map((t) => t / 1000);
    const fanLine = nulls(n).concat(fan.values.slice(0, future.length));
    if (n > 0 && future.length > 0) fanLine[n - 1] = observed[n - 1];
    const low = part(c.low).concat(fan.low.slice(0, future.length));
    const high = part(c.high).concat(fan.high.slice(0, future.length));
    const marks = nulls(xs.length);
    let markers = 0;
    c.anomalies.forEach((a) => {
      const i = times.indexOf(a.time);
      if (i >= 0) { marks[i] = a.actual; markers++; }
    });
    const versions = part(c.versions).concat(nulls(future.length));
    const data = [xs, observed.concat(nulls(future.length)), forecast.concat(nulls(future.length)), low, high,
      fanLine, marks, versions];
    drawChart(data, c);
    const drawn = {
      key: c.key, horizon: c.horizon, points: n, observed: count(observed), forecasts: count(forecast),
      band: count(low) + count(high), bandSource: c.band, fanBand: count(fan.low) + count(fan.high), anomalies: markers,
      versionChanges: c.versionChanges.length, updates: state.updates,
    };
    window.flowcast.drawn = drawn;
    const chartEl = $('chart');
    chartEl.dataset.key = c.key;
    chartEl.dataset.points = String(drawn.points);
    chartEl.dataset.observed = String(drawn.observed);
    chartEl.dataset.band = String(drawn.band);
    chartEl.dataset.anomalies = String(drawn.anomalies);
    chartEl.dataset.versionChanges = String(drawn.versionChanges);
    chartEl.dataset.updates = String(drawn.updates);
    $('series-info').textContent = n + ' points' + (n ? ', newest ' + iso(times[n - 1]) : '') + ' · anomalies '
      + c.anomalyCount + ' · model v' + (n ? versions[n - 1] : '–');
    $('versions').textContent = c.versionChanges.length === 0 ? 'model version: no change in this window'
      : 'model version changes: ' + c.versionChanges.slice(-8).map((v) => 'v' + v.from + '→v' + v.to + ' at '
        + iso(v.time)).join(', ');
    fillHorizons(c.horizons);
    renderErrors(c.errors);
  }

  function fillHorizons(horizons) {
    const select = $('horizon');
    if (select.options.length === horizons) return;
    select.replaceChildren();
    for (let h = 1; h <= Math.max(1, horizons); h++) {
      const o = el('option', String(h));
      o.value = String(h);
      select.append(o);
    }
    select.value = String(state.h);
  }

  function drawChart(data, c) {
    const shape = c.key + '|' + c.horizon + '|' + c.band;
    const width = Math.max(400, $('chart').clientWidth);
    if (state.chart && state.chartShape === shape) {
      state.chart.setData(data);
      return;
    }
    if (state.chart) state.chart.destroy();
    state.chartShape = shape;
    const opts = {
      width: width,
      height: 360,
      series: [
        {},
        { label: 'observed', stroke: '#222', width: 1.5 },
        { label: 'forecast made h=' + c.horizon + ' before', stroke: '#1f77b4', dash: [5, 3] },
        { label: c.band === 'anomaly' ? 'anomaly band low' : 'p10', stroke: 'rgba(230,126,34,0.6)' },
        { label: c.band === 'anomaly' ? 'anomaly band high' : 'p90', stroke: 'rgba(230,126,34,0.6)' },
        { label: 'latest fan', stroke: '#c0392b', width: 2 },
        { label: 'anomaly', stroke: '#e00', fill: '#e00', paths: () => null, points: { show: true, size: 11, fill: '#e00' } },
        { label: 'model version', scale: 'v', stroke: '#27ae60', paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      ],
      bands: [{ series: [4, 3], fill: 'rgba(230,126,34,0.18)' }],
      axes: [{}, {}, { scale: 'v', side: 1, grid: { show: false }, label: 'model version', incrs: [1, 2, 5, 10, 20, 50, 100, 1000] }],
      // The version steps in the lower part of the chart, under the values, on its own axis.
      scales: { v: { range: (u, min, max) => [Math.min(0, min || 0), 3 * ((max || 0) + 1)] } },
    };
    state.chart = new uPlot(opts, data, $('chart'));
  }

  function renderErrors(errors) {
    const hs = errors.map((e) => e.horizon);
    const data = [hs, errors.map((e) => e.mae), errors.map((e) => e.persistenceMae)];
    if (!state.errorChart) {
      state.errorChart = new uPlot({
        width: Math.max(400, $('error-chart').clientWidth),
        height: 200,
        scales: {
          x: { time: false, range: (u, min, max) => [(min || 1) - 0.5, (max || 1) + 0.5] },
          y: { range: (u, min, max) => [0, (max || 1) * 1.1] },
        },
        axes: [{ label: 'horizon h', incrs: [1] }, { label: 'rolling MAE' }],
        series: [
          { label: 'h' },
          { label: 'model MAE', stroke: '#1f77b4', fill: 'rgba(31,119,180,0.5)', paths: uPlot.paths.bars({ size: [0.35, 60], align: -1 }), points: { show: false } },
          { label: 'persistence MAE', stroke: '#7f8c8d', fill: 'rgba(127,140,141,0.5)', paths: uPlot.paths.bars({ size: [0.35, 60], align: 1 }), points: { show: false } },
        ],
      }, data, $('error-chart'));
    } else {
      state.errorChart.setData(data);
    }
    $('errors').tBodies[0].replaceChildren(...errors.map((e) => {
      const tr = el('tr');
      tr.append(el('td', e.horizon), el('td', fmt(e.mae)), el('td', fmt(e.persistenceMae)),
        el('td', fmt(e.persistenceMae > 0 && e.mae !== null ? e.mae / e.persistenceMae : null, 3)), el('td', fmt(e.rmse)),
        el('td', fmt(e.persistenceRmse)), el('td', pct(e.wape)), el('td', pct(e.coverage)), el('td', 'v' + e.modelVersion));
      return tr;
    }));
  }

  window.addEventListener('resize', () => {
    if (state.chart) state.chart.setSize({ width: Math.max(400, $('chart').clientWidth), height: 360 });
    if (state.errorChart) state.errorChart.setSize({ width: Math.max(400, $('error-chart').clientWidth), height: 200 });
  });

  $('search').addEventListener('input', search);
  $('horizon').addEventListener('change', () => {
    state.h = parseInt($('horizon').value, 10) || 1;
    if (state.key !== null) connect();
  });
  fillHorizons(1);
  search();
  connect();
})();
