package contrastauth

/*
#include <stdlib.h>
#include "contrast_auth.h"
*/
import "C"

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Auth holds both credential layers of a Contrast agent inside the library. Create one with
// New, FromToken, FromEnvironment, FromEnvironmentWithTrust or FromEnvironmentWithOptions
// and Close it when done (a cleanup frees a forgotten one). All methods are safe for
// concurrent use; header reads always see a consistent pair.
type Auth struct {
	mu      sync.RWMutex // read-held by every call, write-held by Close
	handle  *C.contrast_auth
	cleanup runtime.Cleanup
}

// cText is a NUL-terminated copy of a text argument in Go memory (no Go pointers inside,
// so it may be passed to C for the duration of a call). Zero it when done.
type cText []byte

func newCText(op, name, value string) (cText, error) {
	if strings.IndexByte(value, 0) >= 0 {
		return nil, &Error{Op: op, Arg: name, Code: ErrInvalidArgument}
	}
	text := make(cText, len(value)+1)
	copy(text, value)
	return text, nil
}

func (t cText) ptr() *C.char {
	if t == nil {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.SliceData(t)))
}

func (t cText) zero() { clear(t) }

// texts converts several arguments at once; release zeroes them.
func texts(op string, names []string, values []*string) ([]cText, error) {
	out := make([]cText, len(values))
	for i, value := range values {
		if value == nil {
			continue
		}
		text, err := newCText(op, names[i], *value)
		if err != nil {
			release(out)
			return nil, err
		}
		out[i] = text
	}
	return out, nil
}

func release(all []cText) {
	for _, text := range all {
		text.zero()
	}
}

func wrap(handle *C.contrast_auth) *Auth {
	auth := &Auth{handle: handle}
	auth.cleanup = runtime.AddCleanup(auth, func(h *C.contrast_auth) { C.contrast_auth_free(h) }, handle)
	return auth
}

// New makes an Auth from the API URL (https only, including /Contrast), the agent user
// name, its service key (layer 1) and the organization API key (layer 2).
func New(url, userName, serviceKey, apiKey string) (*Auth, error) {
	const op = "contrastauth.New"
	if err := requireLinkedVersion(op); err != nil {
		return nil, err
	}
	args, err := texts(op, []string{"url", "userName", "serviceKey", "apiKey"},
		[]*string{&url, &userName, &serviceKey, &apiKey})
	if err != nil {
		return nil, err
	}
	defer release(args)
	var handle *C.contrast_auth
	if err := call(op, func() C.contrast_result {
		return C.contrast_auth_new(args[0].ptr(), args[1].ptr(), args[2].ptr(), args[3].ptr(), &handle)
	}); err != nil {
		return nil, err
	}
	return wrap(handle), nil
}

// FromToken makes an Auth from an agent token (api.token: base64 of the JSON credentials).
func FromToken(token string) (*Auth, error) {
	const op = "contrastauth.FromToken"
	if err := requireLinkedVersion(op); err != nil {
		return nil, err
	}
	text, err := newCText(op, "token", token)
	if err != nil {
		return nil, err
	}
	defer text.zero()
	var handle *C.contrast_auth
	if err := call(op, func() C.contrast_result { return C.contrast_auth_from_token(text.ptr(), &handle) }); err != nil {
		return nil, err
	}
	return wrap(handle), nil
}

// AgentName is the name this binding gives the library: contrast_security.yaml is also
// searched in /etc/contrast/go/.
const AgentName = "go"

// EnvironmentOptions are what FromEnvironmentWithOptions reads besides the environment and
// contrast_security.yaml. The zero value reads them as every Contrast agent does.
type EnvironmentOptions struct {
	// Settings are the host's own settings ("api.timeout_ms", or "contrast.api.timeout_ms"),
	// above the environment and the YAML file.
	Settings map[string]string
	// TrustAnchors are extra CA certificates, each DER X.509 (for example the host's own
	// trust store), trusted together with api.certificate.ca_file.
	TrustAnchors [][]byte
	// SystemConfigDir replaces /etc/contrast (tests, relocated installations) when set.
	SystemConfigDir string
}

// FromEnvironment makes an Auth from the environment (CONTRAST__API__*) and
// contrast_security.yaml, searched as every Contrast agent does (also in
// /etc/contrast/go/).
func FromEnvironment() (*Auth, error) {
	return fromEnvironment("contrastauth.FromEnvironment", EnvironmentOptions{})
}

// FromEnvironmentWithTrust is FromEnvironment, and the reports also trust these CA
// certificates, each DER X.509 (for example the host's own trust store), together with
// api.certificate.ca_file. A certificate that is empty or not DER is an ErrInvalidArgument
// error naming its index. The certificates are copied; the caller keeps its slices.
func FromEnvironmentWithTrust(trustAnchors [][]byte) (*Auth, error) {
	return fromEnvironment("contrastauth.FromEnvironmentWithTrust", EnvironmentOptions{TrustAnchors: trustAnchors})
}

// FromEnvironmentWithOptions is FromEnvironment with the host's settings (the highest
// precedence), extra trust anchors (as for FromEnvironmentWithTrust) and, for tests, another
// system directory. A setting whose key is empty or not printable ASCII is an
// ErrInvalidArgument error; a value is checked like the same key from any other source.
// Everything is copied; the caller keeps its map and slices.
func FromEnvironmentWithOptions(options EnvironmentOptions) (*Auth, error) {
	return fromEnvironment("contrastauth.FromEnvironmentWithOptions", options)
}

// cMemory is C memory allocated for one call (Go memory may not hold pointers C reads).
type cMemory struct{ blocks []cBlock }

type cBlock struct {
	ptr  unsafe.Pointer
	size int
}

// bytes copies data into C memory (never NULL, even when empty).
func (m *cMemory) bytes(data []byte) unsafe.Pointer {
	ptr := C.malloc(C.size_t(len(data) + 1))
	copy(unsafe.Slice((*byte)(ptr), len(data)), data)
	m.blocks = append(m.blocks, cBlock{ptr, len(data) + 1})
	return ptr
}

// text copies a string into C memory with its NUL; a NUL inside is an error.
func (m *cMemory) text(op, name, value string) (*C.char, error) {
	if strings.IndexByte(value, 0) >= 0 {
		return nil, &Error{Op: op, Arg: name, Code: ErrInvalidArgument}
	}
	ptr := C.malloc(C.size_t(len(value) + 1))
	buffer := unsafe.Slice((*byte)(ptr), len(value)+1)
	copy(buffer, value)
	buffer[len(value)] = 0
	m.blocks = append(m.blocks, cBlock{ptr, len(value) + 1})
	return (*C.char)(ptr), nil
}

// array allocates count zeroed elements of size bytes.
func (m *cMemory) array(count int, size uintptr) unsafe.Pointer {
	ptr := C.calloc(C.size_t(max(count, 1)), C.size_t(size))
	m.blocks = append(m.blocks, cBlock{ptr, max(count, 1) * int(size)})
	return ptr
}

// free zeroes (values may be secrets) and frees every block.
func (m *cMemory) free() {
	for _, block := range m.blocks {
		clear(unsafe.Slice((*byte)(block.ptr), block.size))
		C.free(block.ptr)
	}
	m.blocks = nil
}

func fromEnvironment(op string, options EnvironmentOptions) (*Auth, error) {
	if err := requireLinkedVersion(op); err != nil {
		return nil, err
	}
	var memory cMemory
	defer memory.free()
	cOptions := (*C.contrast_environment_options)(memory.array(1, unsafe.Sizeof(C.contrast_environment_options{})))
	agent, _ := memory.text(op, "agent", AgentName)
	cOptions.agent = agent
	if options.SystemConfigDir != "" {
		dir, err := memory.text(op, "SystemConfigDir", options.SystemConfigDir)
		if err != nil {
			return nil, err
		}
		cOptions.system_config_dir = dir
	}
	if count := len(options.Settings); count > 0 {
		list := unsafe.Slice((*C.contrast_setting)(memory.array(count, unsafe.Sizeof(C.contrast_setting{}))), count)
		i := 0
		for key, value := range options.Settings {
			cKey, err := memory.text(op, "Settings key", key)
			if err != nil {
				return nil, err
			}
			cValue, err := memory.text(op, "Settings["+strconv.Quote(key)+"]", value)
			if err != nil {
				return nil, err
			}
			list[i].key, list[i].value = cKey, cValue
			i++
		}
		cOptions.settings = &list[0]
		cOptions.setting_count = C.size_t(count)
	}
	if count := len(options.TrustAnchors); count > 0 {
		list := unsafe.Slice((*C.contrast_bytes)(memory.array(count, unsafe.Sizeof(C.contrast_bytes{}))), count)
		for i, der := range options.TrustAnchors {
			list[i].data = (*C.uint8_t)(memory.bytes(der))
			list[i].len = C.size_t(len(der))
		}
		cOptions.trust_anchors = &list[0]
		cOptions.trust_anchor_count = C.size_t(count)
	}
	var handle *C.contrast_auth
	if err := call(op, func() C.contrast_result {
		return C.contrast_auth_from_environment_with_options(cOptions, &handle)
	}); err != nil {
		return nil, err
	}
	return wrap(handle), nil
}

// Close frees the library's handle after calls in flight finish. Later calls return
// ErrClosed; closing twice is fine.
func (a *Auth) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.handle != nil {
		a.cleanup.Stop()
		C.contrast_auth_free(a.handle)
		a.handle = nil
	}
	return nil
}

// borrow read-locks the handle; the caller must call a.mu.RUnlock.
func (a *Auth) borrow() (*C.contrast_auth, error) {
	a.mu.RLock()
	if a.handle == nil {
		a.mu.RUnlock()
		return nil, ErrClosed
	}
	return a.handle, nil
}

type readFunc func(auth *C.contrast_auth, buf *C.char, length C.size_t, outLen *C.size_t) C.contrast_result

// readBuffer is where header values are copied by C; pooled (memory passed to C escapes to
// the heap) and wiped after every use, since the values are secrets.
type readBuffer struct {
	bytes  [256]byte
	needed C.size_t
}

var readBuffers = sync.Pool{New: func() any { return new(readBuffer) }}

// readText calls a (auth, buf, len, *out_len) function, growing the buffer as asked.
func (a *Auth) readText(op string, read readFunc) (string, error) {
	scratch := readBuffers.Get().(*readBuffer)
	defer readBuffers.Put(scratch)
	buf := scratch.bytes[:]
	for range 8 {
		handle, err := a.borrow()
		if err != nil {
			return "", err
		}
		scratch.needed = 0
		result := read(handle, (*C.char)(unsafe.Pointer(unsafe.SliceData(buf))), C.size_t(len(buf)), &scratch.needed)
		a.mu.RUnlock()
		if Code(result) == ErrBufferTooSmall {
			buf = make([]byte, int(scratch.needed)+1)
			continue
		}
		if err := check(result, op); err != nil {
			return "", err
		}
		n := int(scratch.needed)
		value := string(buf[:n])
		clear(buf[:n+1])
		return value, nil
	}
	return "", &Error{Op: op, Code: ErrBufferTooSmall}
}

// Authorization returns the Authorization header value: base64 of user_name:service_key.
// It is a secret: never log it.
func (a *Auth) Authorization() (string, error) {
	return a.readText("contrastauth.Authorization", func(h *C.contrast_auth, b *C.char, l C.size_t, n *C.size_t) C.contrast_result {
		return C.contrast_auth_authorization(h, b, l, n)
	})
}

// APIKey returns the API-Key header value: the organization API key. A secret.
func (a *Auth) APIKey() (string, error) {
	return a.readText("contrastauth.APIKey", func(h *C.contrast_auth, b *C.char, l C.size_t, n *C.size_t) C.contrast_result {
		return C.contrast_auth_api_key(h, b, l, n)
	})
}

// Rotate replaces one or both keys atomically; nil keeps that layer (not both nil).
// Concurrent readers see the old pair or the new pair, never a mix.
func (a *Auth) Rotate(serviceKey, apiKey *string) error {
	const op = "contrastauth.Rotate"
	args, err := texts(op, []string{"serviceKey", "apiKey"}, []*string{serviceKey, apiKey})
	if err != nil {
		return err
	}
	defer release(args)
	handle, err := a.borrow()
	if err != nil {
		return err
	}
	defer a.mu.RUnlock()
	return call(op, func() C.contrast_result { return C.contrast_auth_rotate(handle, args[0].ptr(), args[1].ptr()) })
}
