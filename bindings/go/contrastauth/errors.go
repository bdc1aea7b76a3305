package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// Code is a contrast_result from the C ABI. Every error this package returns wraps one, so
// errors.Is(err, ErrConfig) tells what went wrong; errors.As(err, &*Error) gives the operation.
type Code uint32

// The result codes of include/contrast_auth.h (CONTRAST_RESULT_<NAME>).
const (
	// OK is success; it is never returned as an error.
	OK Code = C.CONTRAST_RESULT_OK
	// ErrNullArgument: a required argument was missing.
	ErrNullArgument Code = C.CONTRAST_RESULT_NULL_ARGUMENT
	// ErrInvalidUTF8: a text argument was not valid UTF-8.
	ErrInvalidUTF8 Code = C.CONTRAST_RESULT_INVALID_UTF8
	// ErrInvalidArgument: an argument was malformed (empty, CR/LF, NUL, bad method or URL).
	ErrInvalidArgument Code = C.CONTRAST_RESULT_INVALID_ARGUMENT
	// ErrBufferTooSmall: an output buffer was too small (the binding retries; not expected).
	ErrBufferTooSmall Code = C.CONTRAST_RESULT_BUFFER_TOO_SMALL
	// ErrConfig: the configuration was missing or invalid.
	ErrConfig Code = C.CONTRAST_RESULT_CONFIG
	// ErrTLSRequired: the API URL was not https.
	ErrTLSRequired Code = C.CONTRAST_RESULT_TLS_REQUIRED
	// ErrCredentialsRejected: the server refused the credentials (401, 403, 412).
	ErrCredentialsRejected Code = C.CONTRAST_RESULT_CREDENTIALS_REJECTED
	// ErrNetwork: connecting, TLS or the exchange failed.
	ErrNetwork Code = C.CONTRAST_RESULT_NETWORK
	// ErrPanic: the library caught an internal panic (a bug).
	ErrPanic Code = C.CONTRAST_RESULT_PANIC
	// ErrInvalidToken: the agent token is not standard base64 of the expected JSON object.
	ErrInvalidToken Code = C.CONTRAST_RESULT_INVALID_TOKEN
	// ErrTLS: the TLS handshake failed (untrusted certificate, protocol error).
	ErrTLS Code = C.CONTRAST_RESULT_TLS
	// ErrHTTPStatus: the server answered with an error status other than a credential rejection.
	ErrHTTPStatus Code = C.CONTRAST_RESULT_HTTP_STATUS
	// ErrSigning: the request could not be signed (unsupported method or URL).
	ErrSigning Code = C.CONTRAST_RESULT_SIGNING
	// ErrNotFound: no header of that name is in the list.
	ErrNotFound Code = C.CONTRAST_RESULT_NOT_FOUND
)

// Codes lists every result code of the header except OK (for tests and exhaustive switches).
var Codes = []Code{
	ErrNullArgument, ErrInvalidUTF8, ErrInvalidArgument, ErrBufferTooSmall, ErrConfig,
	ErrTLSRequired, ErrCredentialsRejected, ErrNetwork, ErrPanic, ErrInvalidToken, ErrTLS,
	ErrHTTPStatus, ErrSigning, ErrNotFound,
}

// Error returns the library's static message for the code.
func (c Code) Error() string {
	return C.GoString(C.contrast_result_message(C.uint32_t(c)))
}

// ErrClosed is returned by every method of an Auth after Close.
var ErrClosed = fmt.Errorf("contrastauth: Auth is closed")

// Error is an error from one operation; it wraps the Code (errors.Is(err, ErrConfig)).
type Error struct {
	// Op names the operation, e.g. "contrastauth.New".
	Op string
	// Arg names the argument found bad by the binding itself, or is empty.
	Arg string
	// Code is the result code.
	Code Code
	// Detail is the library's description of the failure (which argument or key, why;
	// never a secret), or empty.
	Detail string
}

func (e *Error) Error() string {
	switch {
	case e.Arg != "":
		return fmt.Sprintf("%s: %s: %s", e.Op, e.Arg, e.Code.Error())
	case e.Detail != "":
		return fmt.Sprintf("%s: %s (%s)", e.Op, e.Detail, e.Code.Error())
	default:
		return fmt.Sprintf("%s: %s", e.Op, e.Code.Error())
	}
}

// Unwrap returns the Code, so errors.Is matches the ErrXxx constants.
func (e *Error) Unwrap() error { return e.Code }

// check turns a contrast_result into nil or an *Error, without the detail (use call when
// the detail matters).
func check(result C.contrast_result, op string) error {
	if Code(result) == OK {
		return nil
	}
	return &Error{Op: op, Code: Code(result)}
}

// call runs one C function and, on failure, reads the library's thread-local description of
// it. The goroutine stays on one OS thread for both calls (the detail is per thread).
func call(op string, f func() C.contrast_result) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	result := f()
	if Code(result) == OK {
		return nil
	}
	return &Error{Op: op, Code: Code(result), Detail: lastError()}
}

// lastError returns contrast_last_error for the calling thread, or "".
func lastError() string {
	buf := make([]byte, 512)
	var n C.size_t
	for range 2 { // a longer description: once more with the size the library asks for
		switch C.contrast_last_error((*C.char)(unsafe.Pointer(unsafe.SliceData(buf))), C.size_t(len(buf)), &n) {
		case C.CONTRAST_RESULT_OK:
			return string(buf[:n])
		case C.CONTRAST_RESULT_BUFFER_TOO_SMALL:
			buf = make([]byte, int(n)+1)
		default:
			return ""
		}
	}
	return ""
}
