// Members' secret ballots encrypted in the browser, so the server never sees a choice.
//
// encryptBallot mirrors engine/committee/ballots/elgamal.encrypt byte for byte: exponential ElGamal over the
// prime-order subgroup of edwards25519, one ciphertext per option with a Cramer–Damgård–Schoenmakers
// proof that it holds 0 or 1, and one proof that they sum to 1. Bundled at install time by esbuild
// into node_modules/.powerflow/ballot.js (see scripts/install).
//
// The group helpers (engine/committee/ballots/group.py: encodings, hashing, @noble/curves and @noble/hashes),
// the start of the page glue and the form resubmission come from curve_src.js, which teller_src.js
// imports as well. They are not imported from teller_src.js: that module starts its own page glue
// when loaded, which must not run twice on a page that carries both bundles; curve_src.js starts
// nothing.
import {
  Fn, Point, baseMul, hashToScalar, mul, pointFromHex, randomScalar, resubmit, scalarToHex, whenReady,
} from './curve_src.js';

export const TAG = 'powerflow/ballot/v1';

/** The vote key: a canonical point of the prime-order subgroup, not the identity. */
function keyFromHex(text) {
  const point = pointFromHex(text);
  if (point.is0()) throw new Error('bad_context');
  return point;
}

// --- the ballot (elgamal.py) ---------------------------------------------------------------------

/** m·G for m ∈ {0, 1}, chosen from both precomputed values (no branch on the secret bit). */
function bitPoint(m) {
  return [Point.ZERO, Point.BASE][m];
}

/** elgamal._prove_bit: the other branch simulated first, then the real one; both computed either way. */
function proveBit(key, A, B, m, r, context) {
  const s = 1 - m;
  const cS = randomScalar();
  const zS = randomScalar();
  const aS = baseMul(zS).subtract(mul(cS, A));
  const bS = mul(zS, key).subtract(mul(cS, B.subtract(bitPoint(s))));
  const w = randomScalar();
  const aM = baseMul(w);
  const bM = mul(w, key);
  const commitments = [[[aM, bM], [aS, bS]], [[aS, bS], [aM, bM]]][m];
  const c = hashToScalar(`${TAG}/bit`, context, key, A, B, ...commitments[0], ...commitments[1]);
  const cM = Fn.sub(c, cS);
  const zM = Fn.add(w, Fn.mul(cM, r));
  const [cs, zs] = [[[cM, cS], [zM, zS]], [[cS, cM], [zS, zM]]][m];
  return [cs[0], cs[1], zs[0], zs[1]].map(scalarToHex);
}

/**
 * A ballot for option `chosenIndex` (0-based) of `optionCount` under the vote's public key (hex), bound
 * to the vote's context string: {"c": [[A, B], ...], "p": [[c0, c1, z0, z1], ...], "s": [c, z]}, all hex,
 * as engine/committee/ballots/elgamal.encrypt makes it. Its size and the work done do not depend on the choice.
 */
export function encryptBallot(publicKeyHex, chosenIndex, optionCount, context) {
  if (!Number.isInteger(optionCount) || optionCount < 1 || !Number.isInteger(chosenIndex)
      || chosenIndex < 0 || chosenIndex >= optionCount) {
    throw new Error('bad_choice');
  }
  if (typeof context !== 'string') throw new Error('bad_context');
  const key = keyFromHex(publicKeyHex);
  const c = [];
  const p = [];
  let totalR = 0n;
  let sumA = Point.ZERO;
  let sumB = Point.ZERO;
  for (let j = 0; j < optionCount; j += 1) {
    const m = Number(j === chosenIndex);
    const r = randomScalar();
    const A = baseMul(r);
    const B = bitPoint(m).add(mul(r, key));
    c.push([A.toHex(), B.toHex()]);
    p.push(proveBit(key, A, B, m, r, context));
    totalR = Fn.add(totalR, r);
    sumA = sumA.add(A);
    sumB = sumB.add(B);
  }
  sumB = sumB.subtract(Point.BASE); // elgamal._sums: B_sum − G
  const w = randomScalar();
  const challenge = hashToScalar(`${TAG}/sum`, context, key, sumA, sumB, baseMul(w), mul(w, key));
  return { c, p, s: [scalarToHex(challenge), scalarToHex(Fn.add(w, Fn.mul(challenge, totalR)))] };
}

// --- page glue -----------------------------------------------------------------------------------
//
// templates/_form.html renders a ballot field as <div class="ballot-widget" data-field data-ctx
// data-options data-msg-working> holding its radios and a disabled hidden input of the same name. On
// submit the checked choice is encrypted, the hidden input carries the ballot as JSON and the radios
// lose their name, so the plain choice is not posted. Without a context (box not sealed), without a
// choice, or when anything fails, the form posts the plain choice as before: voting is never blocked.

function parts(widget) {
  const field = widget.dataset.field;
  const hidden = [...widget.querySelectorAll('input[type=hidden]')].find((input) => input.name === field);
  const radios = [...widget.querySelectorAll('input[type=radio]')];
  const scope = widget.parentElement || widget;
  const status = [...scope.querySelectorAll('[data-ballot-status]')].find((el) => el.dataset.ballotStatus === field);
  return { field, hidden, radios, status };
}

function show(widget, text) {
  const { status } = parts(widget);
  if (!status) return;
  status.textContent = text;
  status.hidden = !text;
}

/** Back to what the page rendered: radios named, the hidden input empty and disabled. */
function reset(widget) {
  const { field, hidden, radios } = parts(widget);
  radios.forEach((radio) => { radio.name = field; });
  if (hidden) {
    hidden.value = '';
    hidden.disabled = true;
  }
  widget.removeAttribute('data-ballot-encrypted');
}

function context(widget) {
  try {
    const ctx = JSON.parse(widget.dataset.ctx || '{}');
    const options = JSON.parse(widget.dataset.options || '[]');
    if (ctx && typeof ctx.public_key === 'string' && typeof ctx.context === 'string' && Array.isArray(options)) {
      return { ctx, options };
    }
  } catch {
    // a broken attribute: the plain choice is posted
  }
  return null;
}

/** The widgets of a form that will post a ballot: sealed box, a radio checked. */
function pending(form) {
  return [...form.querySelectorAll('.ballot-widget')].filter((widget) => {
    const { hidden, radios } = parts(widget);
    return hidden && context(widget) && radios.some((radio) => radio.checked);
  });
}

/** Encrypt one widget's choice into its hidden input; on any failure leave the plain choice. */
function seal(widget) {
  reset(widget);
  const { hidden, radios } = parts(widget);
  try {
    const { ctx, options } = context(widget);
    const index = options.indexOf(radios.find((radio) => radio.checked).value);
    const ballot = encryptBallot(ctx.public_key, index, options.length, ctx.context);
    hidden.value = JSON.stringify(ballot);
    hidden.disabled = false;
    radios.forEach((radio) => radio.removeAttribute('name')); // the choice itself is not posted
    widget.dataset.ballotEncrypted = '';
  } catch (error) {
    reset(widget);
    if (typeof console !== 'undefined') console.warn('ballot: posting the plain choice', error);
  }
}

/** Let the browser paint the status before the computation (a hidden tab may never call rAF). */
function nextPaint() {
  return new Promise((resolve) => {
    const done = () => setTimeout(resolve, 0);
    const timer = setTimeout(resolve, 100);
    if (typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(() => { clearTimeout(timer); done(); });
    }
  });
}

function attach(form) {
  let passing = false;
  let busy = false;
  form.addEventListener('submit', async (event) => {
    if (passing) return; // our own resubmission: let the browser post it
    if (event.defaultPrevented) return; // refused by another check: nothing to encrypt
    const widgets = pending(form);
    if (!widgets.length) { // nothing to encrypt: post as rendered (the server asks for a choice)
      form.querySelectorAll('.ballot-widget').forEach(reset);
      return;
    }
    event.preventDefault();
    if (busy) return;
    busy = true;
    const submitter = event.submitter;
    const buttons = [...form.elements].filter((el) => el.type === 'submit' && !el.disabled);
    buttons.forEach((button) => { button.disabled = true; });
    try {
      widgets.forEach((widget) => show(widget, widget.dataset.msgWorking || '…'));
      await nextPaint();
      widgets.forEach(seal);
    } finally {
      widgets.forEach((widget) => show(widget, ''));
      buttons.forEach((button) => { button.disabled = false; });
      busy = false;
    }
    passing = true;
    try {
      resubmit(form, submitter);
    } catch (error) {
      widgets.forEach(reset); // post the plain choice rather than nothing
      HTMLFormElement.prototype.submit.call(form);
    } finally {
      passing = false;
    }
  });
  // a changed choice drops a ballot made for the previous one
  form.addEventListener('change', (event) => {
    const widget = event.target.closest && event.target.closest('.ballot-widget');
    if (widget && widget.hasAttribute('data-ballot-encrypted')) reset(widget);
  });
}

function init() {
  const forms = new Set();
  document.querySelectorAll('.ballot-widget').forEach((widget) => {
    const form = widget.closest('form');
    if (form) forms.add(form);
    widget.dataset.ballotReady = '';
  });
  forms.forEach(attach);
  // back from the next page (back/forward cache): the radios are named again
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) document.querySelectorAll('.ballot-widget').forEach(reset);
  });
}

whenReady(init);
