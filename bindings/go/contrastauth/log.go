package contrastauth

/*
#include "contrast_auth.h"
// Defined in log_shim.c (a file with //export may only declare C functions here).
void contrastauth_log_shim(void *userdata, uint32_t level, const char *event, const char *message, size_t message_len);
*/
import "C"

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"unsafe"
)

// LevelTrace is the slog level of the library's TRACE records (each signature, each
// acknowledgement): below slog.LevelDebug.
const LevelTrace = slog.Level(-8)

// The library's levels (CONTRAST_LOG_* in contrast_auth.h).
const (
	logError = 1
	logWarn  = 2
	logInfo  = 3
	logDebug = 4
	logTrace = 5
)

var slogLevels = [...]slog.Level{
	logError: slog.LevelError,
	logWarn:  slog.LevelWarn,
	logInfo:  slog.LevelInfo,
	logDebug: slog.LevelDebug,
	logTrace: LevelTrace,
}

var (
	logger    atomic.Pointer[slog.Logger] // nil: slog.Default(), warnings and errors only
	installMu sync.Mutex
)

func init() { installLogger() }

// SetLogger sends the library's log records to l from now on: every record l is enabled
// for (at the time of the call), with the event name (e.g. "config.unknown_key",
// "transport.retry") as the attribute "event". Levels: ERROR, WARN, INFO, DEBUG, and
// LevelTrace below DEBUG. Until SetLogger is called (or after SetLogger(nil)) warnings and
// errors go to slog.Default(). Call it again after changing l's level. Records are
// delivered synchronously on the goroutine that called the library; they never hold a
// secret. Safe for concurrent use.
func SetLogger(l *slog.Logger) {
	logger.Store(l)
	installLogger()
}

func currentLogger() (*slog.Logger, int) {
	if l := logger.Load(); l != nil {
		return l, logTrace
	}
	return slog.Default(), logWarn
}

// installLogger tells the library the most detailed level the current logger wants.
func installLogger() {
	installMu.Lock()
	defer installMu.Unlock()
	l, most := currentLogger()
	level := 0
	for candidate := most; candidate >= logError; candidate-- {
		if l.Enabled(context.Background(), slogLevels[candidate]) {
			level = candidate
			break
		}
	}
	C.contrast_set_log_callback(C.contrast_log_callback(C.contrastauth_log_shim), nil, C.uint32_t(level))
}

//export contrastauthGoLog
func contrastauthGoLog(_ unsafe.Pointer, level C.uint32_t, event *C.char, message *C.char, length C.size_t) {
	// A panicking handler must not unwind into the library.
	defer func() { _ = recover() }()
	l, most := currentLogger()
	if level < logError || int(level) > most {
		return
	}
	slogLevel := slogLevels[level]
	ctx := context.Background()
	if !l.Enabled(ctx, slogLevel) {
		return
	}
	text := C.GoStringN(message, C.int(length))
	l.LogAttrs(ctx, slogLevel, text, slog.String("event", C.GoString(event)))
}
