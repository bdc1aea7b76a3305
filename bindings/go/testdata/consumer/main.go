// A program outside the repository that uses the released module (bindings/go/test-released-module.sh
// copies it into a fresh module, `go get`s the binding from dist/goproxy and builds it, natively
// and for linux/arm64). It reads its credentials, URL and CA from CONTRAST__API__* and sends one
// signed report to the test server.
package main

import (
	"fmt"
	"os"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

func main() {
	fmt.Printf("library %s, binding %s\n", contrastauth.Version(), contrastauth.BindingVersion())
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer auth.Close()
	outcome, err := auth.Send("POST", "/api/ng/agents/report", "application/json", []byte(`{"findings":[]}`))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Printf("accepted: HTTP %d after %d attempt(s)\n", outcome.Status, outcome.Attempts)
}
