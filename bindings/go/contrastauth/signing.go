package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// NonceLen is the length in bytes of the nonce given to SignWithNonce.
const NonceLen = C.CONTRAST_NONCE_LEN

// Sign signs a report (RFC 9421 + RFC 9530): it returns Content-Digest, Signature-Input and
// Signature for method, the absolute https url the request goes to, its contentType and
// body exactly as sent (after compression). For 5 minutes after a rotation a second
// signature, contrast-prev, made with the previous key is added.
func (a *Auth) Sign(method, url, contentType string, body []byte) (Headers, error) {
	return a.sign("contrastauth.Sign", method, url, contentType, body, nil, nil)
}

// SignWithNonce is Sign with a fixed signing time and nonce, for test vectors and
// reproducible checks. Never reuse a nonce in production: use Sign.
func (a *Auth) SignWithNonce(method, url, contentType string, body []byte, created time.Time, nonce [NonceLen]byte) (Headers, error) {
	const op = "contrastauth.SignWithNonce"
	if created.Unix() < 0 {
		return nil, &Error{Op: op, Arg: "created", Code: ErrInvalidArgument}
	}
	seconds := uint64(created.Unix())
	return a.sign(op, method, url, contentType, body, &seconds, &nonce)
}

func (a *Auth) sign(op, method, url, contentType string, body []byte, created *uint64, nonce *[NonceLen]byte) (Headers, error) {
	args, err := texts(op, []string{"method", "url", "contentType"}, []*string{&method, &url, &contentType})
	if err != nil {
		return nil, err
	}
	defer release(args)
	var bodyPtr *C.uint8_t
	if len(body) > 0 {
		bodyPtr = (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(body)))
	}
	handle, err := a.borrow()
	if err != nil {
		return nil, err
	}
	var list *C.contrast_headers
	err = call(op, func() C.contrast_result {
		if created == nil {
			return C.contrast_auth_sign(handle, args[0].ptr(), args[1].ptr(), args[2].ptr(), bodyPtr, C.size_t(len(body)), &list)
		}
		return C.contrast_auth_sign_with_nonce(handle, args[0].ptr(), args[1].ptr(), args[2].ptr(), bodyPtr, C.size_t(len(body)),
			C.uint64_t(*created), (*C.uint8_t)(unsafe.Pointer(&nonce[0])), &list)
	})
	a.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	return takeHeaders(list, op)
}
