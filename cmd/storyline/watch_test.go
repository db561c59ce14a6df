package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"storyline/internal/store"
)

// feedServer serves an RSS feed whose items the test can add to.
type feedServer struct {
	mu    sync.Mutex
	items []string
}

func (f *feedServer) add(id, title, text string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(f.items, fmt.Sprintf(`<item><guid>%s</guid><title>%s</title><link>https://news.example/%s</link><pubDate>Tue, 26 Nov 2019 10:00:00 +0000</pubDate><description><![CDATA[%s]]></description></item>`, id, title, id, text))
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title><link>https://news.example/</link>%s</channel></rss>`, strings.Join(f.items, ""))
}

const quakeText = "A magnitude 6.4 earthquake struck near the Albanian port city of Durres early on Tuesday, killing at least 20 people and injuring hundreds, officials said. " +
	"Rescuers searched collapsed apartment blocks in Durres and the nearby town of Thumane through the night, and Prime Minister Edi Rama declared a state of emergency. " +
	"Neighbouring countries sent rescue teams and sniffer dogs, and thousands of residents spent the night outdoors or in tents. " +
	"Seismologists said the quake was the strongest to hit Albania in decades, and dozens of aftershocks followed through the morning."

func TestWatchPicksUpNewItems(t *testing.T) {
	feed := &feedServer{}
	feed.add("quake-1", "Earthquake strikes Albania", quakeText)
	srv := httptest.NewServer(feed)
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "w.db")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		root := rootCommand()
		root.SetOut(io.Discard)
		root.SetArgs([]string{"watch", "--db", db, "--interval", "20ms", "--fetch-pages=false", srv.URL})
		done <- root.ExecuteContext(ctx)
	}()
	waitFor := func(id string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if st, err := store.Open(context.Background(), db); err == nil {
				ok, _ := st.HasArticle(context.Background(), id)
				st.Close()
				if ok {
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("watch did not store %s", id)
	}
	waitFor("quake-1")
	feed.add("quake-2", "Albania quake toll rises", strings.Replace(quakeText, "at least 20", "at least 21", 1)+" The government announced a day of mourning.")
	waitFor("quake-2")
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("watch ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("watch did not stop when cancelled")
	}
}
