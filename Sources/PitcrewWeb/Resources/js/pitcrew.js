/*! pitcrew.js 1.0.0, the first-party tracker for Pitcrew (docs/tracker.md). Install:
 * <script>window.pitcrew=window.pitcrew||[];["page","track","identify","reset"].forEach(function(m){pitcrew[m]=pitcrew[m]||function(){pitcrew.push([m].concat([].slice.call(arguments)))}});</script>
 * <script async src="https://PITCREW_HOST/js/pitcrew.js" data-write-key="WRITE_KEY"></script>
 * Sends Segment-spec messages to POST {origin of this script}/v1/batch as text/plain (no CORS preflight).
 * Never throws into the host page: failures go to console.debug only. */
(function () {
  'use strict';
  var VERSION = '1.0.0', COOKIE = 'pitcrew_anonymous_id', USER_KEY = 'pitcrew_user_id';
  var stub = window.pitcrew;
  if (stub && stub.loaded) return; // included twice: keep the first copy
  function debug() {
    try { console.debug.apply(console, ['[pitcrew]'].concat([].slice.call(arguments))); } catch (e) { /* no console */ }
  }

  // Our own <script> tag carries the write key and options; its origin is the collector.
  var script = document.currentScript, tags = document.querySelectorAll('script[src]');
  for (var i = tags.length - 1; !script && i >= 0; i--) if (/\/js\/pitcrew\.js(\?.*)?$/.test(tags[i].src)) script = tags[i];
  function attr(name) { return script && script.getAttribute(name); }
  var writeKey = attr('data-write-key'), endpoint = null;
  try { endpoint = new URL(script.src).origin + '/v1/batch'; } catch (e) { debug('cannot find my script tag'); }

  function uuid() {
    var c = window.crypto, b = new Uint8Array(16);
    if (c && c.randomUUID) return c.randomUUID();
    if (c && c.getRandomValues) c.getRandomValues(b); else for (var j = 0; j < 16; j++) b[j] = Math.random() * 256;
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128; // version 4, RFC 4122 variant
    var h = [].map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }
  function setCookie(value, maxAge) {
    document.cookie = COOKIE + '=' + value + '; path=/; max-age=' + maxAge + '; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  }
  function anonymousId() {
    var m = document.cookie.match(/(?:^|;\s*)pitcrew_anonymous_id=([0-9a-f-]{36})/);
    var id = m ? m[1] : uuid();
    setCookie(id, 31536000); // one year from the latest visit
    return id;
  }
  function userStore(value) { // get (no argument), set (string) or clear (null); storage may be blocked
    try {
      if (value === undefined) return localStorage.getItem(USER_KEY);
      if (value === null) localStorage.removeItem(USER_KEY); else localStorage.setItem(USER_KEY, value);
    } catch (e) { /* private mode, sandboxed frame */ }
    return null;
  }

  function pageInfo() { // the #fragment can hold tokens: never sent
    return { url: location.href.split('#')[0], path: location.pathname, search: location.search,
      title: document.title, referrer: document.referrer };
  }
  function message(type, fields) {
    var context = { page: pageInfo(), userAgent: navigator.userAgent, locale: navigator.language,
      library: { name: 'pitcrew.js', version: VERSION } };
    var params = new URLSearchParams(location.search), campaign = {};
    var utm = { source: 'source', medium: 'medium', campaign: 'name', term: 'term', content: 'content' }; // utm_x -> key
    for (var p in utm) if (params.get('utm_' + p)) campaign[utm[p]] = params.get('utm_' + p);
    if (Object.keys(campaign).length) context.campaign = campaign;
    var msg = { type: type, messageId: uuid(), anonymousId: anonymousId(), timestamp: new Date().toISOString(), context: context };
    var userId = userStore();
    if (userId) msg.userId = userId;
    for (var k in fields) if (fields[k] !== undefined) msg[k] = fields[k];
    return msg;
  }

  // Transport: messages queued in the same tick leave as one batch, within the collector's limits (as Segment's
  // libraries do): a message over 32 KB is dropped (the collector would refuse the whole batch), and a batch is cut
  // before 500 KB.
  var queue = [], timer = null;
  var MESSAGE_LIMIT = 32 * 1024, BATCH_LIMIT = 480 * 1024;
  function bytes(text) { return window.TextEncoder ? new TextEncoder().encode(text).length : unescape(encodeURIComponent(text)).length; }
  function send(beacon) {
    clearTimeout(timer); timer = null;
    if (!queue.length) return;
    if (!writeKey || !endpoint) { debug('no data-write-key; dropped', queue.splice(0).length, 'messages'); return; }
    var batch = [], size = 0, pending = queue.splice(0);
    for (var i = 0; i < pending.length; i++) {
      var one = bytes(JSON.stringify(pending[i]));
      if (one > MESSAGE_LIMIT) { debug('dropped a', pending[i].type, 'message of', one, 'bytes: the limit is 32 KB'); continue; }
      if (size + one > BATCH_LIMIT) { post(batch, beacon); batch = []; size = 0; }
      batch.push(pending[i]); size += one + 1;
    }
    if (batch.length) post(batch, beacon);
  }
  function post(batch, beacon) {
    var body = JSON.stringify({ writeKey: writeKey, sentAt: new Date().toISOString(), batch: batch });
    try { // a beacon survives navigation (form submits, unload)
      if (beacon && navigator.sendBeacon && navigator.sendBeacon(endpoint, new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return;
      fetch(endpoint, { method: 'POST', body: body, mode: 'cors', credentials: 'omit', keepalive: body.length < 60000,
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' } })
        .then(function (r) { if (!r.ok) debug('collector answered', r.status); }, function (e) { debug('send failed', e); });
    } catch (e) { debug('send failed', e); }
  }
  function enqueue(msg, now) {
    queue.push(msg);
    if (now) send(true); else if (!timer) timer = setTimeout(send, 0);
  }
  addEventListener('pagehide', function () { send(true); });
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') send(true); });

  function isObject(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
  var methods = {
    page: function (name, properties) {
      if (isObject(name)) { properties = name; name = undefined; }
      enqueue(message('page', { name: name == null ? undefined : String(name),
        properties: Object.assign(pageInfo(), isObject(properties) ? properties : {}) }));
    },
    track: function (event, properties) {
      if (!event) return debug('track needs an event name');
      enqueue(message('track', { event: String(event), properties: isObject(properties) ? properties : {} }));
    },
    identify: function (userId, traits, beacon) {
      if (isObject(userId)) { traits = userId; userId = undefined; }
      if (userId != null && userId !== '') userStore(String(userId));
      enqueue(message('identify', { traits: isObject(traits) ? traits : {} }), beacon === true);
    },
    reset: function () { userStore(null); setCookie('', 0); }
  };
  function run(call) { // ["track", "Signed Up", {...}]
    try {
      if (call && methods.hasOwnProperty(call[0])) methods[call[0]].apply(null, [].slice.call(call, 1));
      else debug('unknown call', call);
    } catch (e) { debug('call failed', e); }
  }
  var api = { loaded: true, VERSION: VERSION, push: run };
  Object.keys(methods).forEach(function (name) {
    api[name] = function () { run([name].concat([].slice.call(arguments, 0, 2))); };
  });

  // Auto identify: any form with an email field, on submit (capture phase, so it never depends on the page's handlers).
  var TRAITS = ['email', 'first_name', 'last_name', 'name', 'company', 'phone', 'title'];
  function snake(s) {
    s = String(s || '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase();
    return { firstname: 'first_name', lastname: 'last_name' }[s] || s;
  }
  function onSubmit(event) {
    try {
      var traits = {};
      [].forEach.call(event.target.elements || [], function (el) {
        var type = String(el.type || '').toLowerCase();
        if (!/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) || /^(password|hidden|file)$/.test(type)) return; // never collected
        var key = type === 'email' ? 'email' : snake(el.name || el.id), value = String(el.value || '').trim();
        if (value && TRAITS.indexOf(key) >= 0 && !(key in traits)) traits[key] = value;
      });
      if (traits.email) methods.identify(undefined, traits, true); // by beacon: must survive the page leaving
    } catch (e) { debug('form identify failed', e); }
  }

  window.pitcrew = api;
  if (attr('data-auto-identify') !== 'false') document.addEventListener('submit', onSubmit, true);
  if (Array.isArray(stub)) stub.forEach(run); // calls made before we loaded
  if (attr('data-auto-page') !== 'false') api.page();
})();
