package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import "unsafe"

// SendOutcome is what the server said to an accepted report.
type SendOutcome struct {
	// Status is the HTTP status of the acknowledgement (2xx).
	Status int
	// Attempts is the number of requests made, retries included (at least 1).
	Attempts int
	// Generation is the credential generation that was accepted.
	Generation uint64
	// Reloaded tells whether a rejection made the library reload the credentials first.
	Reloaded bool
}

// Send sends one report over HTTPS and blocks until the server acknowledges it or the
// library gives up. path (starting with "/", may carry a query) is joined to the API URL;
// the request carries both layers from one snapshot and is signed. Network errors, 408,
// 429 and 5xx are retried with backoff; on 401/403/412 the credentials are reloaded once
// and the report retried if a key changed. Errors: ErrCredentialsRejected, ErrHTTPStatus,
// ErrNetwork, ErrTLS, ErrInvalidArgument, ErrConfig (Detail tells the status, attempts and
// fingerprints). Trust and proxy come from the configuration (api.certificate.ca_file, ...)
// of an Auth made by FromEnvironment.
func (a *Auth) Send(method, path, contentType string, body []byte) (SendOutcome, error) {
	const op = "contrastauth.Send"
	args, err := texts(op, []string{"method", "path", "contentType"}, []*string{&method, &path, &contentType})
	if err != nil {
		return SendOutcome{}, err
	}
	defer release(args)
	var bodyPtr *C.uint8_t
	if len(body) > 0 {
		bodyPtr = (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(body)))
	}
	handle, err := a.borrow()
	if err != nil {
		return SendOutcome{}, err
	}
	defer a.mu.RUnlock()
	var out C.contrast_send_outcome
	if err := call(op, func() C.contrast_result {
		return C.contrast_auth_send(handle, args[0].ptr(), args[1].ptr(), args[2].ptr(), bodyPtr, C.size_t(len(body)), &out)
	}); err != nil {
		return SendOutcome{}, err
	}
	return SendOutcome{
		Status:     int(out.status),
		Attempts:   int(out.attempts),
		Generation: uint64(out.generation),
		Reloaded:   bool(out.reloaded),
	}, nil
}
