// The C side of the Go log callback: contrast_log_callback takes const strings, the
// exported Go function plain ones; this adapts one to the other (installed by log.go).
#include "contrast_auth.h"
#include "_cgo_export.h"

void contrastauth_log_shim(void *userdata, uint32_t level, const char *event,
                           const char *message, size_t message_len) {
    contrastauthGoLog(userdata, level, (char *)event, (char *)message, message_len);
}
