// Package queuetest gives tests a deployment of their own on a real NATS
// server.
package queuetest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"storyline/internal/queue"
	"storyline/internal/report"
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

// StoredEvents reads every event of the store at dsn, in the store's
// order, with its articles.
func StoredEvents(t testing.TB, dsn string) []report.Event {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []report.Event
	for page := 0; ; page++ {
		events, err := st.Events(ctx, store.EventQuery{Page: store.Page{Limit: store.MaxLimit, Offset: page * store.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			return out
		}
		out = append(out, events...)
	}
}

// Events lists the events of the store at dsn in the store's order, each
// as its id, storyline, date, title and article ids: what placement
// decides.
func Events(t testing.TB, dsn string) []string {
	t.Helper()
	var out []string
	for _, e := range StoredEvents(t, dsn) {
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
	return out
}

// PlacedIDs returns the ids of the articles the events of the store at dsn
// hold, sorted, each as often as it was placed.
func PlacedIDs(t testing.TB, dsn string) []string {
	t.Helper()
	var ids []string
	for _, e := range StoredEvents(t, dsn) {
		for _, a := range e.Articles {
			ids = append(ids, a.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// A Proxy passes TCP connections on to the test NATS server, and can fail
// them as a network does: cut them, as a failure or a restart of the server
// would, so that clients see the connection drop and reconnect; or, before
// that, silently lose what the server sends.
type Proxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	deaf  bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// NewProxy starts a proxy to URL() on a port of 127.0.0.1, closed when t
// ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	u, err := url.Parse(URL())
	if err != nil {
		t.Fatalf("NATS URL %q: %v", URL(), err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: u.Host, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's NATS URL, to connect through it.
func (p *Proxy) URL() string { return "nats://" + p.ln.Addr().String() }

// Deafen drops, until Restore, all the server sends: the server still
// hears the clients and believes they receive its messages, as when a
// connection fails without a word. What it sends meanwhile is lost.
func (p *Proxy) Deafen() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.deaf = true
}

// Cut closes every connection through the proxy, and every new one at
// once, until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Restore lets connections through again, and what the server sends.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down, p.deaf = false, false
}

func (p *Proxy) close() {
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		p.wg.Go(func() { p.serve(client) })
	}
}

// serve passes bytes both ways between client and the server until either
// side closes or the proxy cuts them.
func (p *Proxy) serve(client net.Conn) {
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		client.Close()
		return
	}
	p.mu.Lock()
	if p.down {
		p.mu.Unlock()
		client.Close()
		server.Close()
		return
	}
	p.conns[client] = struct{}{}
	p.conns[server] = struct{}{}
	p.mu.Unlock()
	var pipes sync.WaitGroup
	pipes.Go(func() { p.pipe(server, client, false) })
	pipes.Go(func() { p.pipe(client, server, true) })
	pipes.Wait()
	p.mu.Lock()
	delete(p.conns, client)
	delete(p.conns, server)
	p.mu.Unlock()
}

// pipe copies from src to dst; what comes from the server is dropped while
// the proxy is deaf.
func (p *Proxy) pipe(dst, src net.Conn, fromServer bool) {
	// One side is done: end both, as a dropped connection would.
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !(fromServer && p.isDeaf()) {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *Proxy) isDeaf() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.deaf
}
