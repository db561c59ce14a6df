package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"storyline/internal/queue/queuetest"
	"storyline/internal/store/storetest"
)

// seedsDir holds the seed articles, whose ids differ from storyFile's.
const seedsDir = "../../../shared/seeds"

// childTimeout bounds every wait for a child process: generous, because the
// machine may be loaded; no test outcome depends on it.
const childTimeout = 2 * time.Minute

// A proc is this test binary run as `storyline args...` in a process of its
// own, its stdout and stderr collected, its stdin a pipe that releases it
// from a testPause.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	out    bytes.Buffer
	lines  chan struct{} // receives a value after each line of output
	paused chan struct{} // closed when the child says it paused
	done   chan struct{} // closed when the child has exited; err is then set
	err    error
}

// startChild starts `storyline args...`; with pause not empty, the child
// stops at that point (see testPause) until resume.
func startChild(t *testing.T, pause string, args ...string) *proc {
	t.Helper()
	c := &proc{lines: make(chan struct{}, 1), paused: make(chan struct{}), done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], args...)
	c.cmd.Env = append(os.Environ(), "STORYLINE_RUN_MAIN=1", pauseEnv+"="+pause)
	c.cmd.Stdout = (*lockedWriter)(c)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			(*lockedWriter)(c).Write([]byte(line + "\n"))
			if pause != "" && line == "paused at "+pause {
				close(c.paused)
			}
		}
		io.Copy(io.Discard, stderr) // after an overlong line
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
		if t.Failed() {
			t.Logf("storyline %s:\n%s", strings.Join(args, " "), c.output())
		}
	})
	return c
}

// lockedWriter collects a child's output.
type lockedWriter proc

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case w.lines <- struct{}{}:
	default:
	}
	return w.out.Write(p)
}

func (c *proc) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

func (c *proc) pid() int { return c.cmd.Process.Pid }

// resume lets a paused child go on.
func (c *proc) resume() { c.stdin.Close() }

// wait waits for the child to exit and returns how it ended.
func (c *proc) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-c.done:
		return c.err
	case <-time.After(childTimeout):
		t.Fatalf("storyline %s did not exit", strings.Join(c.cmd.Args[1:], " "))
		return nil
	}
}

// waitPaused waits for the child to reach its pause.
func (c *proc) waitPaused(t *testing.T) {
	t.Helper()
	select {
	case <-c.paused:
	case <-c.done:
		t.Fatalf("storyline %s exited (%v) before its pause", strings.Join(c.cmd.Args[1:], " "), c.err)
	case <-time.After(childTimeout):
		t.Fatalf("storyline %s did not reach its pause", strings.Join(c.cmd.Args[1:], " "))
	}
}

// waitOutput waits until the child's output matches re and returns the
// match's submatches.
func (c *proc) waitOutput(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(childTimeout)
	for {
		if m := re.FindStringSubmatch(c.output()); m != nil {
			return m
		}
		select {
		case <-c.lines:
		case <-c.done:
			if m := re.FindStringSubmatch(c.output()); m != nil {
				return m
			}
			t.Fatalf("storyline %s exited (%v) without printing %s", strings.Join(c.cmd.Args[1:], " "), c.err, re)
		case <-deadline:
			t.Fatalf("storyline %s did not print %s", strings.Join(c.cmd.Args[1:], " "), re)
		}
	}
}

// runChild runs `storyline args...` to its end and fails t if it fails.
func runChild(t *testing.T, args ...string) {
	t.Helper()
	if err := startChild(t, "", args...).wait(t); err != nil {
		t.Fatalf("storyline %s: %v", strings.Join(args, " "), err)
	}
}

// holderRefusal matches the error of a command refused the writer lease,
// capturing the holder's command and pid.
var holderRefusal = regexp.MustCompile(`store is being written by "(\w+)" \(pid (\d+) on [^)]+\) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// checkRefused checks that c exited non-zero, refused the lease held by
// command in process pid, with the advice to wait or stop it when advise.
func checkRefused(t *testing.T, c *proc, command string, pid int, advice string) {
	t.Helper()
	if err := c.wait(t); err == nil {
		t.Fatalf("storyline %s succeeded beside a writer", strings.Join(c.cmd.Args[1:], " "))
	}
	out := c.output()
	m := holderRefusal.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the refusal does not name the holder:\n%s", out)
	}
	if m[1] != command || m[2] != strconv.Itoa(pid) {
		t.Errorf("the refusal names %q pid %s, want %q pid %d", m[1], m[2], command, pid)
	}
	if !strings.Contains(out, advice) {
		t.Errorf("the refusal lacks %q:\n%s", advice, out)
	}
}

// backends gives each store backend's subtest a fresh, empty store.
var backends = []struct {
	name string
	dsn  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "store.db") }},
	{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
}

// reference is what one ingest of each of inputs, in order, stores.
func reference(t *testing.T, inputs ...string) []string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "reference.db")
	for _, in := range inputs {
		runChild(t, "ingest", "--quiet", "--db", db, in)
	}
	return queuetest.Events(t, db)
}

func checkEvents(t *testing.T, what, dsn string, want []string) {
	t.Helper()
	if got := queuetest.Events(t, dsn); !slices.Equal(got, want) {
		t.Errorf("%s: the store holds\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestConcurrentIngestsOneWins starts two ingests of the same articles into
// one store at once. Whichever takes the writer lease holds it (paused)
// until the other has ended, so they always meet: the other must exit
// non-zero naming the holder, leaving the store as it was, and the store
// must end as one ingest leaves it.
func TestConcurrentIngestsOneWins(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			runChild(t, "ingest", "--quiet", "--db", dsn, seedsDir)
			before := queuetest.Events(t, dsn)

			var ingests [2]*proc
			for i := range ingests {
				ingests[i] = startChild(t, "lease", "ingest", "--quiet", "--db", dsn, storyFile)
			}
			var winner, loser *proc
			select {
			case <-ingests[0].paused:
				winner, loser = ingests[0], ingests[1]
			case <-ingests[1].paused:
				winner, loser = ingests[1], ingests[0]
			case <-time.After(childTimeout):
				t.Fatal("neither ingest took the writer lease")
			}
			checkRefused(t, loser, "ingest", winner.pid(), "use --wait or stop it")
			checkEvents(t, "after the refused ingest", dsn, before)

			winner.resume()
			if err := winner.wait(t); err != nil {
				t.Fatalf("the ingest holding the lease: %v", err)
			}
			checkEvents(t, "after the two ingests", dsn, reference(t, seedsDir, storyFile))
		})
	}
}

// TestIngestWaitsForWriterLease checks that ingest --wait waits while
// another ingest holds the writer lease, and succeeds once it is done.
func TestIngestWaitsForWriterLease(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			first := startChild(t, "lease", "ingest", "--quiet", "--db", dsn, seedsDir)
			first.waitPaused(t)
			second := startChild(t, "", "ingest", "--quiet", "--wait", "--db", dsn, storyFile)
			m := second.waitOutput(t, regexp.MustCompile(`msg="waiting for the store's writer lease" holder="(.*)"`))
			if want := `\"ingest\" (pid ` + strconv.Itoa(first.pid()); !strings.Contains(m[1], want) {
				t.Errorf("the waiting ingest names holder %s, want %s…", m[1], want)
			}
			select {
			case <-second.done:
				t.Fatalf("ingest --wait ended (%v) while the lease was held", second.err)
			default:
			}
			first.resume()
			if err := first.wait(t); err != nil {
				t.Fatalf("first ingest: %v", err)
			}
			if err := second.wait(t); err != nil {
				t.Fatalf("ingest --wait: %v", err)
			}
			checkEvents(t, "after both ingests", dsn, reference(t, seedsDir, storyFile))
		})
	}
}

// servingLine matches the line serve logs once it listens.
var servingLine = regexp.MustCompile(`msg=serving url=(http://[^ ]+?)/? .*mode=([\w-]+)`)

// postArticle posts one article to a serve child and returns the status
// and the answer: its error message if it has one, else its body.
func postArticle(t *testing.T, base, id, text string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"id": id, "title": "Earthquake strikes Albania", "text": text, "date": "2019-11-26"})
	resp, err := http.Post(base+"/api/articles", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var answer struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(out, &answer) == nil && answer.Error != "" {
		return resp.StatusCode, answer.Error
	}
	return resp.StatusCode, string(out)
}

// TestServeIsTheWriter checks that a serve that accepts articles holds the
// writer lease: an ingest and a watch --once beside it are refused, naming
// it, and change nothing, while it still places posted articles; and that a
// serve --read-only beside it refuses posts.
func TestServeIsTheWriter(t *testing.T) {
	feed := &feedServer{}
	feed.add("quake-feed", "Earthquake strikes Albania", quakeText)
	feedSrv := httptest.NewServer(feed)
	defer feedSrv.Close()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			serve := startChild(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0")
			m := serve.waitOutput(t, servingLine)
			base, mode := m[1], m[2]
			if mode != "writer" {
				t.Errorf("serve on a free store runs as %q, want writer", mode)
			}
			if status, body := postArticle(t, base, "quake-post", quakeText); status != http.StatusOK {
				t.Fatalf("POST to the writing serve: %d %s", status, body)
			}
			before := queuetest.Events(t, dsn)

			ingest := startChild(t, "", "ingest", "--quiet", "--db", dsn, storyFile)
			checkRefused(t, ingest, "serve", serve.pid(), "use --wait or stop it")
			watch := startChild(t, "", "watch", "--once", "--fetch-pages=false", "--db", dsn, feedSrv.URL)
			checkRefused(t, watch, "serve", serve.pid(), "use --wait or stop it")
			checkEvents(t, "after the refused ingest and watch", dsn, before)

			reader := startChild(t, "", "serve", "--read-only", "--db", dsn, "--addr", "127.0.0.1:0")
			m = reader.waitOutput(t, servingLine)
			if m[2] != "read-only" {
				t.Errorf("serve --read-only runs as %q", m[2])
			}
			if status, body := postArticle(t, m[1], "quake-2", quakeText); status != http.StatusServiceUnavailable || !strings.Contains(body, "--read-only") {
				t.Errorf("POST to serve --read-only: %d %s; want 503 naming --read-only", status, body)
			}
			if status, body := postArticle(t, base, "quake-3", strings.Replace(quakeText, "at least 20", "at least 21", 1)); status != http.StatusOK {
				t.Errorf("POST to the writing serve after the refusals: %d %s", status, body)
			}
		})
	}
}

// TestServeBesideIngestReadsOnly checks that a serve started while an
// ingest holds the writer lease serves reads, answers posts with 503 naming
// the ingest and stores nothing, and still reads what the ingest stored.
func TestServeBesideIngestReadsOnly(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			dsn := b.dsn(t)
			runChild(t, "ingest", "--quiet", "--db", dsn, seedsDir)
			ingest := startChild(t, "lease", "ingest", "--quiet", "--db", dsn, storyFile)
			ingest.waitPaused(t)

			serve := startChild(t, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0")
			m := serve.waitOutput(t, servingLine)
			base, mode := m[1], m[2]
			if mode != "read-only" {
				t.Errorf("serve beside an ingest runs as %q, want read-only", mode)
			}
			before := fetchStorylines(t, base)
			status, body := postArticle(t, base, "quake-post", quakeText)
			if status != http.StatusServiceUnavailable {
				t.Errorf("POST beside an ingest: %d %s; want 503", status, body)
			}
			if m := holderRefusal.FindStringSubmatch(body); m == nil || m[1] != "ingest" || m[2] != strconv.Itoa(ingest.pid()) {
				t.Errorf("the 503 does not name the ingest (pid %d): %s", ingest.pid(), body)
			}

			ingest.resume()
			if err := ingest.wait(t); err != nil {
				t.Fatalf("ingest: %v", err)
			}
			checkEvents(t, "after the ingest", dsn, reference(t, seedsDir, storyFile))
			if after := fetchStorylines(t, base); bytes.Equal(after["/api/storylines"], before["/api/storylines"]) {
				t.Error("the read-only serve does not show what the ingest stored")
			}
			if status, _ := postArticle(t, base, "quake-post", quakeText); status != http.StatusServiceUnavailable {
				t.Errorf("POST after the ingest ended: %d; a read-only serve stays read-only until restarted", status)
			}
		})
	}
}
