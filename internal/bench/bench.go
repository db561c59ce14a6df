// Package bench measures the whole pipeline on a synthetic stream: parse,
// analyse, dedupe, cluster, link, report and store, with throughput over
// time, peak memory and how well the generated events are recovered.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"storyline/internal/article"
	"storyline/internal/eval"
	"storyline/internal/ingest"
	"storyline/internal/pipeline"
	"storyline/internal/store"
	"storyline/internal/synth"
)

// Config says what to run.
type Config struct {
	Articles int
	Seed     uint64
	// DB is the store; empty means a SQLite file in a temporary directory,
	// removed afterwards.
	DB string
	// Batch is how many articles are parsed, placed and committed at once.
	Batch    int
	Pipeline pipeline.Config
	// Progress, when set, is told how many articles are done after each
	// batch.
	Progress func(done int)
}

// A Result is what one run measured. Throughput windows are the first and
// last 100,000 articles, or a tenth of the stream when it is shorter.
type Result struct {
	Articles          int     `json:"articles"`
	Seconds           float64 `json:"seconds"`
	ArticlesPerSecond float64 `json:"articles_per_second"`
	Window            int     `json:"window"`
	FirstWindowAPS    float64 `json:"first_100k_aps"`
	LastWindowAPS     float64 `json:"last_100k_aps"`
	PeakRSSBytes      int64   `json:"peak_rss_bytes"`
	PeakHeapBytes     uint64  `json:"peak_heap_bytes"`
	StoreBytes        int64   `json:"store_bytes"`
	BytesPerArticle   float64 `json:"bytes_per_article"`
	// Stages are seconds spent in each stage. Analysis runs on all cores,
	// so stage times are wall time, not CPU time.
	Stages map[string]float64 `json:"stages"`
	// Events and GoldEvents count the events found and generated; the
	// scores say how well the generated events were recovered.
	Events     int     `json:"events"`
	GoldEvents int     `json:"gold_events"`
	PairwiseF1 float64 `json:"pairwise_f1"`
	BCubedF1   float64 `json:"bcubed_f1"`
	Duplicates int     `json:"duplicates"`
}

// Window returns the number of articles in each of the first and last
// throughput windows of a run of n articles: 100k, or a tenth of a
// shorter run.
func Window(n int) int { return min(100000, max(n/10, 1)) }

// Run generates cfg.Articles articles from cfg.Seed and puts them through
// the pipeline into the store, batch by batch.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Batch <= 0 {
		cfg.Batch = 1000
	}
	dsn := cfg.DB
	if dsn == "" {
		dir, err := os.MkdirTemp("", "storyline-bench-")
		if err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(dir)
		dsn = filepath.Join(dir, "bench.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return Result{}, err
	}
	defer st.Close()
	in, err := ingest.Open(ctx, st, cfg.Pipeline)
	if err != nil {
		return Result{}, err
	}

	res := Result{Articles: cfg.Articles, Window: Window(cfg.Articles), Stages: map[string]float64{}}
	// Labels are numbered, not kept as strings: a million of each would
	// weigh on the memory being measured.
	var pred labels
	var mem runtime.MemStats
	start := time.Now()
	var firstDone time.Duration
	var lastStart time.Time
	done := 0

	// Batches are generated, parsed and analysed one ahead of placement,
	// and committed while the next one is placed, as ingest does.
	gen := generator{cfg: cfg}
	err = in.AddAll(ctx, gen.batches, func(landings []ingest.Landing) {
		for _, l := range landings {
			pred.add(l.Event)
			if l.DuplicateOf != "" {
				res.Duplicates++
			}
		}
		done += len(landings)
		if done <= res.Window {
			firstDone = time.Since(start)
		}
		if lastStart.IsZero() && done >= cfg.Articles-res.Window {
			lastStart = time.Now()
		}
		runtime.ReadMemStats(&mem)
		res.PeakHeapBytes = max(res.PeakHeapBytes, mem.HeapAlloc)
		if cfg.Progress != nil {
			cfg.Progress(done)
		}
	})
	if err == nil {
		err = gen.fail
	}
	if err != nil {
		return res, err
	}
	gold := gen.gold
	elapsed := time.Since(start)
	res.Seconds = elapsed.Seconds()
	res.ArticlesPerSecond = float64(done) / res.Seconds
	res.FirstWindowAPS = float64(min(res.Window, done)) / firstDone.Seconds()
	if !lastStart.IsZero() {
		res.LastWindowAPS = float64(res.Window) / time.Since(lastStart).Seconds()
	}

	tm := in.Timings()
	res.Stages["generate"] = gen.generate.Seconds()
	res.Stages["parse"] = gen.parse.Seconds()
	res.Stages["analyze"] = tm.Analyze.Seconds()
	res.Stages["dedupe"] = tm.Placement.Dedupe.Seconds()
	res.Stages["cluster"] = tm.Placement.Cluster.Seconds()
	res.Stages["link"] = tm.Placement.Link.Seconds()
	res.Stages["retire"] = tm.Placement.Retire.Seconds()
	res.Stages["report"] = tm.Report.Seconds()
	res.Stages["store"] = tm.Store.Seconds()

	res.PeakRSSBytes = peakRSS()
	res.StoreBytes = fileSize(dsn)
	if done > 0 {
		res.BytesPerArticle = float64(res.StoreBytes) / float64(done)
	}
	scores, err := eval.Compare(gold.strings(), pred.strings())
	if err != nil {
		return res, err
	}
	res.Events, res.GoldEvents = scores.PredClusters, scores.GoldClusters
	res.PairwiseF1, res.BCubedF1 = scores.Pairwise.F1, scores.BCubed.F1
	return res, nil
}

// labels numbers cluster labels in order of first appearance.
type labels struct {
	ids map[string]int32
	seq []int32
}

func (l *labels) add(s string) {
	if l.ids == nil {
		l.ids = map[string]int32{}
	}
	id, ok := l.ids[s]
	if !ok {
		id = int32(len(l.ids))
		l.ids[s] = id
	}
	l.seq = append(l.seq, id)
}

// strings returns the labels as the metrics take them.
func (l *labels) strings() []string {
	out := make([]string, len(l.seq))
	for i, id := range l.seq {
		out[i] = strconv.Itoa(int(id))
	}
	return out
}

// A generator yields the synthetic stream in batches, each written as JSONL
// and parsed back, the way articles arrive. Its fields are valid once the
// batches are consumed.
type generator struct {
	cfg             Config
	generate, parse time.Duration
	gold            labels
	fail            error
}

func (g *generator) batches(yield func([]article.Article) bool) {
	var line []byte
	var buf bytes.Buffer
	arts := make([]article.Article, 0, g.cfg.Batch)
	t := time.Now()
	flush := func() bool {
		buf.Reset()
		for i := range arts {
			line = synth.AppendJSONL(line[:0], &arts[i])
			buf.Write(line)
			g.gold.add(arts[i].Gold.Event)
		}
		t1 := time.Now()
		g.generate += t1.Sub(t)
		parsed, problems := article.ParseJSONLines("bench", buf.Bytes())
		g.parse += time.Since(t1)
		if len(problems) > 0 {
			g.fail = fmt.Errorf("bench: generated input did not parse: %v", problems[0])
			return false
		}
		arts = arts[:0]
		ok := yield(parsed)
		t = time.Now()
		return ok
	}
	for a := range synth.Stream(synth.DefaultConfig(g.cfg.Articles, g.cfg.Seed)) {
		arts = append(arts, a)
		if len(arts) == g.cfg.Batch && !flush() {
			return
		}
	}
	if len(arts) > 0 {
		flush()
	}
}

// peakRSS reads the process's peak resident set size from Linux's
// /proc/self/status; 0 elsewhere.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// fileSize sums a SQLite store's files (with its WAL); 0 for a server.
func fileSize(dsn string) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(dsn + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}
