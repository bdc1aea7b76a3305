package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import "fmt"

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
)

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
}

func (e *Error) Error() string {
	if e.Arg != "" {
		return fmt.Sprintf("%s: %s: %s", e.Op, e.Arg, e.Code.Error())
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Code.Error())
}

// Unwrap returns the Code, so errors.Is matches the ErrXxx constants.
func (e *Error) Unwrap() error { return e.Code }

// check turns a contrast_result into nil or an *Error.
func check(result C.contrast_result, op string) error {
	if Code(result) == OK {
		return nil
	}
	return &Error{Op: op, Code: Code(result)}
}
