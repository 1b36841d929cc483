// What the tellers' code (teller_src.js) and the members' ballots (ballot_src.js) share: the group
// arithmetic and hashing of engine/committee/ballots/group.py, byte for byte, with @noble/curves (edwards25519,
// same compressed encoding as libsodium) and @noble/hashes (SHA-512), and the bits of page glue both
// use: starting once the document is parsed and posting the form again after its submit handler.
//
// Functions only: loading this module starts nothing, so both bundles can carry it. No page loads
// it on its own: esbuild bundles it into node_modules/.powerflow/teller.js and ballot.js when
// scripts/install builds teller_src.js and ballot_src.js.
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

export const Point = ed25519.Point;
export const Fn = Point.Fn; // scalars modulo L, 32-byte little-endian encoding

// --- group helpers (group.py) ------------------------------------------------------------------

/** `value` modulo L (crypto_core_ed25519_scalar_reduce of a little-endian byte string). */
export function reduce(bytes) {
  return Fn.create(bytesToNumberLE(bytes));
}

/** s·G; the identity for s = 0 (group.base_mul). */
export function baseMul(s) {
  return s === 0n ? Point.ZERO : Point.BASE.multiply(s);
}

/** s·P; the identity when s = 0 or P is the identity (group.mul). */
export function mul(s, point) {
  return s === 0n || point.is0() ? Point.ZERO : point.multiply(s);
}

/**
 * A uniformly random non-zero scalar: 64 bytes of the platform CSPRNG reduced modulo L
 * (group.random_scalar).
 */
export function randomScalar() {
  for (;;) {
    const s = reduce(randomBytes(64));
    if (s !== 0n) return s;
  }
}

export function scalarToHex(s) {
  return bytesToHex(Fn.toBytes(s));
}

export function scalarFromHex(text) {
  const s = bytesToNumberLE(hexBytes(text));
  if (s >= Fn.ORDER) throw new Error('bad_context');
  return s;
}

/** A point of the prime-order subgroup (or the identity) from canonical hex (group.point_from_hex). */
export function pointFromHex(text) {
  let point;
  try {
    point = Point.fromBytes(hexBytes(text));
  } catch {
    throw new Error('bad_context');
  }
  if (point.toHex() !== text.toLowerCase() || !(point.is0() || point.isTorsionFree())) {
    throw new Error('bad_context');
  }
  return point;
}

function hexBytes(text) {
  if (typeof text !== 'string' || !/^[0-9a-fA-F]{64}$/.test(text)) throw new Error('bad_context');
  return hexToBytes(text);
}

/**
 * group.hash_to_scalar: SHA-512 over the tag and each part, each preceded by its length as 4
 * big-endian bytes (strings UTF-8, points as their 32 compressed bytes, Uint8Array as is), read
 * little-endian modulo L.
 */
export function hashToScalar(tag, ...parts) {
  const digest = sha512.create();
  for (const part of [tag, ...parts]) {
    let data;
    if (typeof part === 'string') data = utf8ToBytes(part);
    else if (part instanceof Uint8Array) data = part;
    else if (part instanceof Point) data = part.toBytes();
    else throw new TypeError('hashToScalar: string, bytes or point expected');
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, data.length, false);
    digest.update(length);
    digest.update(data);
  }
  return reduce(digest.digest());
}

// --- form glue -----------------------------------------------------------------------------------

/**
 * Post `form` again after its submit handler computed the hidden fields, as `submitter` would have:
 * the caller sets its own "let this one through" flag around the call.
 */
export function resubmit(form, submitter) {
  if (typeof form.requestSubmit === 'function') {
    // keeps the button's name/value and formaction
    try {
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      return;
    } catch {
      // an unusual submitter: post without it
    }
  }
  // no requestSubmit (old browsers): carry the button's name/value and formaction by hand
  if (submitter && submitter.name) {
    const carry = document.createElement('input');
    carry.type = 'hidden';
    carry.name = submitter.name;
    carry.value = submitter.value;
    form.appendChild(carry);
  }
  if (submitter && submitter.hasAttribute('formaction')) form.action = submitter.formAction;
  HTMLFormElement.prototype.submit.call(form);
}

/** Run `init` once the document is parsed (at once when it already is); outside a page, nothing. */
export function whenReady(init) {
  if (typeof document === 'undefined') return;
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
}
