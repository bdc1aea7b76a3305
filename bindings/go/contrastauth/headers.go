package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import (
	"net/http"
	"strings"
)

// Header is one HTTP header made by the library.
type Header struct {
	// Name is the header name as the library spells it, e.g. "API-Key".
	Name string
	// Value is the header value; Authorization and API-Key values are secrets.
	Value string
}

// Headers is a list of headers in sending order.
type Headers []Header

// Get returns the value of the header called name (ASCII case-insensitive) and whether it
// is present.
func (h Headers) Get(name string) (string, bool) {
	for _, header := range h {
		if strings.EqualFold(header.Name, name) {
			return header.Value, true
		}
	}
	return "", false
}

// Apply sets every header on an outgoing request's header map (replacing earlier values).
func (h Headers) Apply(target http.Header) {
	for _, header := range h {
		target.Set(header.Name, header.Value)
	}
}

// takeHeaders copies a contrast_headers list into Go and frees (zeroizes) the list.
func takeHeaders(list *C.contrast_headers, op string) (Headers, error) {
	defer C.contrast_headers_free(list)
	count := int(C.contrast_headers_count(list))
	out := make(Headers, 0, count)
	for i := 0; i < count; i++ {
		var name, value *C.char
		if err := check(C.contrast_headers_get(list, C.size_t(i), &name, &value), op); err != nil {
			return nil, err
		}
		out = append(out, Header{Name: C.GoString(name), Value: C.GoString(value)})
	}
	return out, nil
}

// Headers returns every header a request carries, all from one snapshot (so Authorization
// and API-Key always belong together, even during a rotation): Authorization, API-Key,
// Accept, User-Agent.
func (a *Auth) Headers() (Headers, error) {
	const op = "contrastauth.Headers"
	handle, err := a.borrow()
	if err != nil {
		return nil, err
	}
	var list *C.contrast_headers
	result := C.contrast_auth_headers(handle, &list)
	a.mu.RUnlock()
	if err := check(result, op); err != nil {
		return nil, err
	}
	return takeHeaders(list, op)
}
