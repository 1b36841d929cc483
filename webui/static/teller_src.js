// Tellers' key shares in the browser: the passphrase-derived key, unwrapping a share and the
// partial decryptions (with Chaum–Pedersen proofs) that open a vote's totals.
//
// Mirrors engine/committee/ballots/group.py and engine/committee/ballots/threshold.py byte for byte, with the
// primitives of @noble/curves (edwards25519, same compressed encoding as libsodium) and
// @noble/hashes (SHA-512, scrypt); the group helpers come from curve_src.js. Bundled at install
// time by esbuild into node_modules/.powerflow/teller.js (see scripts/install); the passphrase
// never leaves the page.
import { scrypt, scryptAsync } from '@noble/hashes/scrypt.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import {
  Fn, baseMul, hashToScalar, mul, pointFromHex, randomScalar, reduce, resubmit, scalarFromHex, scalarToHex,
  whenReady,
} from './curve_src.js';

// the group helpers (group.py) live in curve_src.js, shared with ballot_src.js; these stay exported here
export { hashToScalar, pointFromHex, scalarFromHex, scalarToHex };
export const ORDER = Fn.ORDER; // L = 2^252 + 27742317777372353535851937790883648493
export const TAG = 'powerflow/teller/v1';
export const MIN_PASSPHRASE = 8;

// --- teller key (threshold.teller_secret) --------------------------------------------------------

function scryptOptions(kdf, extra = {}) {
  if (!kdf || typeof kdf !== 'object') throw new Error('bad_context');
  return { N: Number(kdf.n), r: Number(kdf.r), p: Number(kdf.p), dkLen: 64, maxmem: 256 * 1024 * 1024, ...extra };
}

function secretFromKdf(raw) {
  const s = reduce(raw);
  raw.fill(0);
  return s;
}

/** The teller's private scalar: scrypt(passphrase, salt, kdf, 64 bytes) read little-endian mod L. */
export function tellerSecret(passphrase, salt, kdf) {
  return secretFromKdf(scrypt(utf8ToBytes(passphrase), utf8ToBytes(salt), scryptOptions(kdf)));
}

/** The same without blocking the page; onProgress receives a fraction 0…1. */
export async function tellerSecretAsync(passphrase, salt, kdf, onProgress) {
  const options = scryptOptions(kdf, onProgress ? { onProgress } : {});
  return secretFromKdf(await scryptAsync(utf8ToBytes(passphrase), utf8ToBytes(salt), options));
}

/** The teller's public key s·G as hex (what key mode posts). */
export function tellerPublicKey(passphrase, salt, kdf) {
  return baseMul(tellerSecret(passphrase, salt, kdf)).toHex();
}

export async function tellerPublicKeyAsync(passphrase, salt, kdf, onProgress) {
  return baseMul(await tellerSecretAsync(passphrase, salt, kdf, onProgress)).toHex();
}

// --- share and partial decryptions (threshold.unwrap, threshold.partial_decrypt) -----------------

/** x_i from the wrapped share; Error('wrong_passphrase') when the key does not open it. */
function unwrap(secret, share) {
  const E = pointFromHex(share.wrap_point);
  const X = pointFromHex(share.verification_key);
  const wrapped = scalarFromHex(share.wrapped);
  const tellerKey = baseMul(secret);
  const pad = hashToScalar(`${TAG}/wrap`, mul(secret, E), E, tellerKey);
  const x = Fn.sub(wrapped, pad);
  if (!baseMul(x).equals(X)) throw new Error('wrong_passphrase');
  return { x, X };
}

/** [D, c, z]: D = x·A with a proof that log_G(X) = log_A(D), bound to the context string. */
function partialDecrypt(x, X, A, context) {
  const D = mul(x, A);
  const w = randomScalar();
  const c = hashToScalar(`${TAG}/partial`, context, X, A, D, baseMul(w), mul(w, A));
  return [D.toHex(), scalarToHex(c), scalarToHex(Fn.add(w, Fn.mul(c, x)))];
}

function shareFromSecret(secret, ctx) {
  if (!ctx || typeof ctx !== 'object' || !ctx.share || !Array.isArray(ctx.ciphertexts)
      || typeof ctx.context !== 'string' || !Number.isInteger(ctx.share.index)) {
    throw new Error('bad_context');
  }
  const points = ctx.ciphertexts.map(pointFromHex);
  const { x, X } = unwrap(secret, ctx.share);
  const partials = points.map((A) => partialDecrypt(x, X, A, ctx.context));
  return JSON.stringify({ index: ctx.share.index, partials });
}

/**
 * The teller's answer for share mode: '{"index": i, "partials": [[D, c, z], ...]}' (one per
 * ciphertext, in order). Throws Error('wrong_passphrase') or Error('bad_context').
 */
export function tallyShare(passphrase, ctx) {
  return shareFromSecret(tellerSecret(passphrase, ctx.salt, ctx.kdf), ctx);
}

export async function tallyShareAsync(passphrase, ctx, onProgress) {
  return shareFromSecret(await tellerSecretAsync(passphrase, ctx.salt, ctx.kdf, onProgress), ctx);
}

// --- page glue -----------------------------------------------------------------------------------

function widgetParts(widget) {
  const field = widget.dataset.field;
  const hidden = [...widget.querySelectorAll('input[type=hidden]')].find((input) => input.name === field);
  const passphrase = widget.querySelector('input[data-teller-passphrase]');
  const confirm = widget.querySelector('input[data-teller-confirm]');
  const status = widget.querySelector('[data-teller-status]');
  return { hidden, passphrase, confirm, status };
}

function show(widget, text, isError) {
  const { status } = widgetParts(widget);
  if (!status) return;
  status.textContent = text;
  status.hidden = !text;
  status.classList.toggle('error', Boolean(isError));
  widget.classList.toggle('has-error', Boolean(isError));
}

/** The problem with a widget's inputs before any computation, or null. */
function check(widget) {
  const { hidden, passphrase, confirm } = widgetParts(widget);
  if (!hidden || !passphrase) return { input: null, message: widget.dataset.msgFailed || 'error' };
  if ([...passphrase.value].length < MIN_PASSPHRASE) return { input: passphrase, message: widget.dataset.msgShort };
  if (widget.dataset.mode === 'key' && confirm && confirm.value !== passphrase.value) {
    return { input: confirm, message: widget.dataset.msgMismatch };
  }
  return null;
}

async function compute(widget) {
  const { hidden, passphrase } = widgetParts(widget);
  const ctx = JSON.parse(widget.dataset.ctx || '{}');
  const working = widget.dataset.msgWorking || '…';
  const progress = (fraction) => show(widget, `${working} ${Math.floor(fraction * 100)}%`, false);
  progress(0);
  if (widget.dataset.mode === 'key') {
    hidden.value = await tellerPublicKeyAsync(passphrase.value, ctx.salt, ctx.kdf, progress);
  } else if (widget.dataset.mode === 'share') {
    hidden.value = await tallyShareAsync(passphrase.value, ctx, progress);
  } else {
    throw new Error('bad_context');
  }
}

function clearPassphrases(widget) {
  widget.querySelectorAll('input[data-teller-passphrase], input[data-teller-confirm]').forEach((input) => {
    input.value = '';
  });
}

function attach(form) {
  let passing = false;
  let busy = false;
  form.addEventListener('submit', async (event) => {
    if (passing) { // our own resubmission: let the browser post it
      passing = false;
      return;
    }
    if (event.defaultPrevented) return; // refused by another check (e.g. upload.js): nothing to compute
    event.preventDefault();
    if (busy) return;
    const widgets = [...form.querySelectorAll('.teller-widget')];
    for (const widget of widgets) {
      show(widget, '', false);
      const problem = check(widget);
      if (problem) {
        show(widget, problem.message, true);
        if (problem.input) problem.input.focus();
        return;
      }
    }
    busy = true;
    const submitter = event.submitter;
    const buttons = [...form.elements].filter((el) => el.type === 'submit' && !el.disabled);
    buttons.forEach((button) => { button.disabled = true; });
    let failed = null;
    for (const widget of widgets) {
      try {
        await compute(widget);
        show(widget, '', false);
      } catch (error) {
        const message = error && error.message === 'wrong_passphrase'
          ? widget.dataset.msgWrong : (widget.dataset.msgFailed || String(error));
        show(widget, message, true);
        failed = widget;
        break;
      }
    }
    buttons.forEach((button) => { button.disabled = false; });
    busy = false;
    if (failed) {
      widgets.forEach((widget) => { widgetParts(widget).hidden.value = ''; });
      const { passphrase } = widgetParts(failed);
      passphrase.select();
      passphrase.focus();
      return;
    }
    widgets.forEach(clearPassphrases); // the passphrase is never posted
    passing = true;
    resubmit(form, submitter);
    passing = false;
  });
}

function init() {
  const forms = new Set();
  document.querySelectorAll('.teller-widget').forEach((widget) => {
    // no name: the browser cannot post them, whatever happens
    widget.querySelectorAll('input[data-teller-passphrase], input[data-teller-confirm]').forEach((input) => {
      input.removeAttribute('name');
    });
    const form = widget.closest('form');
    if (form) forms.add(form);
    widget.dataset.tellerReady = '';
  });
  forms.forEach(attach);
}

whenReady(init);
