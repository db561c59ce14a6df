// Package queuetest gives tests a deployment of their own on a real NATS
// server.
package queuetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/queue"
	"storyline/internal/store"
)

// URL is the NATS server tests use: STORYLINE_TEST_NATS, or the local one.
func URL() string {
	if u := os.Getenv("STORYLINE_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

// Deployment returns a deployment with a random name on the test server,
// with its streams set up and deleted when t ends, and a JetStream context
// for it. It skips t when no server answers.
func Deployment(t testing.TB) (queue.Deployment, jetstream.JetStream) {
	t.Helper()
	host := strings.TrimPrefix(URL(), "nats://")
	conn, err := net.DialTimeout("tcp", host, time.Second)
	if err != nil {
		t.Skipf("no NATS server at %s (%v): the queue is not tested", URL(), err)
	}
	conn.Close()
	nc, js, err := queue.Connect(URL(), t.Name())
	if err != nil {
		t.Fatal(err)
	}
	d, err := queue.ParseDeployment("t" + strings.ToLower(rand.Text()[:10]))
	if err != nil {
		t.Fatal(err)
	}
	if err := queue.Setup(t.Context(), js, d); err != nil {
		nc.Close()
		t.Fatalf("JetStream on %s: %v", URL(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := queue.Teardown(ctx, js, d); err != nil {
			t.Error(err)
		}
		nc.Close()
	})
	return d, js
}

// Events lists the events of the store at dsn in the store's order, each
// as its id, storyline, date, title and article ids: what placement
// decides.
func Events(t testing.TB, dsn string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []string
	for page := 0; ; page++ {
		events, err := st.Events(ctx, store.EventQuery{Page: store.Page{Limit: store.MaxLimit, Offset: page * store.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			return out
		}
		for _, e := range events {
			date := "undated"
			if e.Date != nil {
				date = *e.Date
			}
			line := fmt.Sprintf("%s %s %s %q:", e.ID, e.Storyline, date, e.Title)
			for _, a := range e.Articles {
				line += " " + a.ID
			}
			out = append(out, line)
		}
	}
}
