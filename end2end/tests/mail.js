// Reading the mail the server wrote: the end-to-end server writes each mail
// as an .eml file into a folder (RAPPORT_MAIL_DIR), which `cargo xtask test`
// passes here as MAIL_DIR. The mail sender runs every few seconds, so a test
// waits for the mail to appear.
const fs = require('fs');
const path = require('path');

const MAIL_DIR = process.env.MAIL_DIR;

/** The text of a quoted-printable or base64 body. */
function decodeBody(headers, body) {
  const encoding = (headers.match(/^Content-Transfer-Encoding:\s*(\S+)/im) || [])[1] || '';
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** Headers (folded lines joined) and body of a message or of one part of it. */
function splitPart(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\s+/, '');
  return { headers, body };
}

/** The plain text of a part: itself, or its first text/plain part when multipart. */
function plainText(headers, body) {
  const type = (headers.match(/^Content-Type:\s*(.*)$/im) || [])[1] || 'text/plain';
  const boundary = (type.match(/boundary="?([^";]+)"?/i) || [])[1];
  if (!/^multipart\//i.test(type) || !boundary) return decodeBody(headers, body);
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const part = splitPart(chunk.replace(/^\r?\n/, ''));
    const partType = (part.headers.match(/^Content-Type:\s*(.*)$/im) || [])[1] || 'text/plain';
    if (/^(text\/plain|multipart\/)/i.test(partType)) return plainText(part.headers, part.body);
  }
  return '';
}

/** Subject and text of one .eml file (its plain-text part when multipart). */
function readMail(file) {
  const { headers, body } = splitPart(fs.readFileSync(file, 'utf8'));
  const header = (name) => (headers.match(new RegExp(`^${name}:\\s*(.*)$`, 'im')) || [])[1] || '';
  return { to: header('To'), subject: header('Subject'), text: plainText(headers, body) };
}

/**
 * The newest mail to `to` whose subject matches `subject`, waiting up to
 * `timeout` ms for it. `to` is compared without case, as addresses are.
 */
async function waitForMail(to, subject, timeout = 20000) {
  if (!MAIL_DIR) throw new Error('MAIL_DIR is not set: run the tests with cargo xtask test');
  const deadline = Date.now() + timeout;
  for (;;) {
    const files = fs.existsSync(MAIL_DIR)
      ? fs.readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).map((f) => path.join(MAIL_DIR, f))
      : [];
    const found = files
      .map((file) => ({ file, time: fs.statSync(file).mtimeMs }))
      .sort((a, b) => b.time - a.time)
      .map(({ file }) => readMail(file))
      .find((mail) => mail.to.toLowerCase().includes(to.toLowerCase()) && subject.test(mail.subject));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} with subject ${subject} in ${MAIL_DIR}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The path and query of the first link in `text` to a page under `pagePath`. */
function linkTo(text, pagePath) {
  const match = text.match(new RegExp(`https?://[^/\\s]+(${pagePath.replace(/[/?]/g, '\\$&')}[^\\s]*)`));
  if (!match) throw new Error(`no link to ${pagePath} in:\n${text}`);
  return match[1];
}

module.exports = { waitForMail, linkTo };
