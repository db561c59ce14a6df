// Package storetest gives tests of other packages a PostgreSQL store of
// their own, as the store's own tests have.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresDSN returns the DSN of a fresh schema on the server named by
// STORYLINE_TEST_POSTGRES, dropped when t ends, or skips t when the
// variable is not set.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("STORYLINE_TEST_POSTGRES")
	if base == "" {
		t.Skip("STORYLINE_TEST_POSTGRES not set: PostgreSQL not tested")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "storyline_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
