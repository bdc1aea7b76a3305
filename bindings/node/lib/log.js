'use strict';
// Where the library's log records go: the logger given to setLogger, or Node's conventions
// (WARN and ERROR through process.emitWarning, so process.on('warning') can route them;
// INFO, DEBUG and TRACE through util.debuglog('contrast_auth'), shown with
// NODE_DEBUG=contrast_auth). Records arrive on the JavaScript thread through a weak
// thread-safe function (it never keeps the process alive). They hold no secret.

const util = require('node:util');
const { typeError } = require('./errors');

const LEVELS = ['error', 'warn', 'info', 'debug', 'trace']; // 1..5 in the native addon

let debuglog = util.debuglog('contrast_auth', (fn) => { debuglog = fn; });

function defaultLogger(level, event, message) {
  if (level <= 2) {
    process.emitWarning(message, { type: 'ContrastAuthWarning', code: event, detail: LEVELS[level - 1] });
  } else {
    debuglog('%s %s: %s', LEVELS[level - 1].toUpperCase(), event, message);
  }
}

function install(native, logger, maxLevel) {
  if (logger === null) {
    // Node's conventions: warnings always; the rest only when NODE_DEBUG names contrast_auth.
    native.setLogSink(defaultLogger, util.debuglog('contrast_auth').enabled ? 5 : 2);
    return;
  }
  native.setLogSink((level, event, message) => {
    try {
      logger(LEVELS[level - 1], event, message);
    } catch (error) {
      // A throwing logger must not take the process down from a log record.
      process.emitWarning(`contrast-auth: the logger threw: ${error && error.message}`,
        { type: 'ContrastAuthWarning', code: 'logger.failed' });
    }
  }, maxLevel);
}

/** setLogger(logger | null, maxLevel = 'info'). */
function setLogger(native, logger, maxLevel = 'info') {
  if (logger !== null && typeof logger !== 'function') {
    throw typeError('logger', 'a function or null', logger);
  }
  const level = LEVELS.indexOf(maxLevel) + 1;
  if (typeof maxLevel !== 'string' || level === 0) {
    throw typeError('maxLevel', `one of ${LEVELS.map((l) => `'${l}'`).join(', ')}`, maxLevel);
  }
  install(native, logger, level);
}

module.exports = { setLogger, install, LEVELS };
