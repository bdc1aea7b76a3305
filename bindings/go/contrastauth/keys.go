package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import "strings"

// KeyChange is a set of CONTRAST_KEY_* bits: what a Reload changed.
type KeyChange uint32

// The keys a Reload may change.
const (
	KeyUserName   KeyChange = C.CONTRAST_KEY_USER_NAME
	KeyServiceKey KeyChange = C.CONTRAST_KEY_SERVICE_KEY
	KeyAPIKey     KeyChange = C.CONTRAST_KEY_API_KEY
	KeySigningKey KeyChange = C.CONTRAST_KEY_SIGNING_KEY
	KeyURL        KeyChange = C.CONTRAST_KEY_URL
)

var keyNames = []struct {
	bit  KeyChange
	name string
}{
	{KeyUserName, "user_name"}, {KeyServiceKey, "service_key"}, {KeyAPIKey, "api_key"},
	{KeySigningKey, "signing_key"}, {KeyURL, "url"},
}

// Has reports whether every bit of key is set.
func (c KeyChange) Has(key KeyChange) bool { return c&key == key }

// String lists the changed keys, e.g. "service_key,signing_key", or "none".
func (c KeyChange) String() string {
	var names []string
	for _, k := range keyNames {
		if c.Has(k.bit) {
			names = append(names, k.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// Reload re-reads the configuration of an Auth made by FromEnvironment (the YAML file; the
// environment as read at creation) and switches to it if a key changed. It returns what
// changed (0 when nothing did, always 0 for New and FromToken). On error nothing changes.
func (a *Auth) Reload() (KeyChange, error) {
	handle, err := a.borrow()
	if err != nil {
		return 0, err
	}
	defer a.mu.RUnlock()
	var changed C.uint32_t
	err = call("contrastauth.Reload", func() C.contrast_result { return C.contrast_auth_reload(handle, &changed) })
	return KeyChange(changed), err
}

// Fingerprints are the first 8 hex digits of SHA-256 of each key in use: safe to log.
type Fingerprints struct {
	UserName, ServiceKey, APIKey, SigningKey string
	// Generation is 1 at creation, +1 with every change.
	Generation uint64
}

// Fingerprints returns the fingerprints of the current keys and their generation.
func (a *Auth) Fingerprints() (Fingerprints, error) {
	handle, err := a.borrow()
	if err != nil {
		return Fingerprints{}, err
	}
	var out C.contrast_fingerprints
	result := C.contrast_auth_fingerprints(handle, &out)
	a.mu.RUnlock()
	if err := check(result, "contrastauth.Fingerprints"); err != nil {
		return Fingerprints{}, err
	}
	return Fingerprints{
		UserName:   C.GoString(&out.user_name[0]),
		ServiceKey: C.GoString(&out.service_key[0]),
		APIKey:     C.GoString(&out.api_key[0]),
		SigningKey: C.GoString(&out.signing_key[0]),
		Generation: uint64(out.generation),
	}, nil
}

// Counters are running totals of an Auth's reports (read without locks; each only grows).
type Counters struct {
	// Acknowledged is the number of reports the server acknowledged.
	Acknowledged uint64
	// Failed is the number of reports that ended in an error.
	Failed uint64
	// Requests is the number of requests made, retries included.
	Requests uint64
	// Retries is the number of requests that were retries.
	Retries uint64
	// Reloads is the number of credential reloads after the server refused a key.
	Reloads uint64
	// Handshakes is the number of new connections, each with a TLS handshake.
	Handshakes uint64
	// Rejections is the number of responses refusing the credentials (401, 403, 412).
	Rejections uint64
	// Reconnects is the number of failures on a reused keep-alive connection (closed by the
	// server while idle) that were sent again at once on a fresh connection, not counted as
	// attempts.
	Reconnects uint64
}

// Counters returns the running totals of the reports sent with Send (all 0 before the
// first): atomic counters in the library, no lock.
func (a *Auth) Counters() (Counters, error) {
	handle, err := a.borrow()
	if err != nil {
		return Counters{}, err
	}
	var out C.contrast_counters
	result := C.contrast_auth_counters(handle, &out)
	a.mu.RUnlock()
	if err := check(result, "contrastauth.Counters"); err != nil {
		return Counters{}, err
	}
	return Counters{
		Acknowledged: uint64(out.acknowledged),
		Failed:       uint64(out.failed),
		Requests:     uint64(out.requests),
		Retries:      uint64(out.retries),
		Reloads:      uint64(out.reloads),
		Handshakes:   uint64(out.handshakes),
		Rejections:   uint64(out.rejections),
		Reconnects:   uint64(out.reconnects),
	}, nil
}
