package contrastauth_test

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/contrast-security-oss/contrast-auth/bindings/go/contrastauth"
)

func rotatedServiceKey(i int) string { return fmt.Sprintf("SERVICEKEY%04d", i) }
func rotatedAPIKey(i int) string     { return fmt.Sprintf("APIKEY%04d", i) }

// generationOf returns i for a value made by rotatedServiceKey/rotatedAPIKey(i).
func generationOf(t *testing.T, value, prefix string) int {
	i, err := strconv.Atoi(strings.TrimPrefix(value, prefix))
	if err != nil || !strings.HasPrefix(value, prefix) {
		t.Errorf("torn or unknown value %q", value)
		return -1
	}
	return i
}

// 32 goroutines read both headers while one rotates both layers 300 times: every value is
// one that was set (never torn), and no reader ever sees a generation go backwards.
func TestReadersWhileRotating(t *testing.T) {
	const readers, rotations = 32, 300
	auth, err := contrastauth.New(testURL, testUserName, rotatedServiceKey(0), rotatedAPIKey(0))
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()

	var done atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lastService, lastAPI := 0, 0
			for !done.Load() || reads.Load() < readers*10 {
				authorization, err := auth.Authorization()
				if err != nil {
					t.Error(err)
					return
				}
				apiKey, err := auth.APIKey()
				if err != nil {
					t.Error(err)
					return
				}
				decoded, err := base64.StdEncoding.DecodeString(authorization)
				if err != nil {
					t.Errorf("authorization is not base64: %v", err)
					return
				}
				service := generationOf(t, strings.TrimPrefix(string(decoded), testUserName+":"), "SERVICEKEY")
				api := generationOf(t, apiKey, "APIKEY")
				if service < lastService || api < lastAPI {
					t.Errorf("went backwards: service %d->%d api %d->%d", lastService, service, lastAPI, api)
					return
				}
				lastService, lastAPI = service, api
				reads.Add(1)
			}
		}()
	}
	for i := 1; i <= rotations; i++ {
		sk, ak := rotatedServiceKey(i), rotatedAPIKey(i)
		if err := auth.Rotate(&sk, &ak); err != nil {
			t.Fatal(err)
		}
	}
	done.Store(true)
	wg.Wait()
	final, _ := auth.APIKey()
	if final != rotatedAPIKey(rotations) {
		t.Fatalf("final API key %q", final)
	}
}
