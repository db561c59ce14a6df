package ingest

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"storyline/internal/article"
	"storyline/internal/pipeline"
	"storyline/internal/report"
	"storyline/internal/store"
)

// stream is a small news stream: two reports of a summit, a report of a
// flood, a syndicated copy of the first summit report, a later report.
func stream() []article.Article {
	day := func(d int) time.Time { return time.Date(2023, 5, d, 0, 0, 0, 0, time.UTC) }
	summit := "Leaders of the Group of Seven met in Hiroshima on Friday for a three-day summit focused on the war in Ukraine and on China.\n" +
		"Japanese Prime Minister Fumio Kishida welcomed President Joe Biden and the other leaders at the Peace Memorial Park.\n" +
		"The leaders agreed new sanctions on Russia, officials said, and discussed economic security and supply chains.\n" +
		"Ukrainian President Volodymyr Zelenskyy is expected to attend in person on Sunday."
	return []article.Article{
		{ID: "g7-a", Title: "G7 leaders gather in Hiroshima", Text: summit, Date: day(19), Source: "Wire A"},
		{ID: "flood-a", Title: "Floods kill nine in northern Italy", Text: "Heavy rain caused floods across Emilia-Romagna on Wednesday, killing nine people and forcing thousands from their homes.\nRivers burst their banks in Faenza and Cesena, and the Formula One race at Imola was cancelled.", Date: day(17), Source: "Wire B"},
		{ID: "g7-b", Title: "Kishida hosts G7 summit in Hiroshima", Text: "Prime Minister Fumio Kishida opened the Group of Seven summit in Hiroshima on Friday, with Ukraine and China at the top of the agenda.\nPresident Joe Biden and other leaders laid wreaths at the Peace Memorial Park and agreed fresh sanctions on Russia.", Date: day(19), Source: "Wire C"},
		{ID: "g7-copy", Title: "G7 summit opens", Text: "HIROSHIMA (Daily) - The summit began under tight security.\n" + summit, Date: day(19), Source: "Daily"},
		{ID: "flood-b", Title: "Italy flood death toll rises", Text: "The death toll from floods in Emilia-Romagna rose to 13 on Thursday as rescuers reached villages cut off near Faenza.\nThe Imola Grand Prix was called off and thousands remain in shelters.", Date: day(18), Source: "Wire D"},
	}
}

func openTemp(t *testing.T) (store.Store, *Ingester) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in, err := Open(ctx, st, pipeline.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	return st, in
}

// shape describes stored events by their articles, and storylines by their
// events' first articles, independent of ids.
func shape(t *testing.T, st store.Store) []string {
	t.Helper()
	events, err := st.Events(context.Background(), store.EventQuery{Page: store.Page{Limit: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		var ids []string
		for _, a := range e.Articles {
			id := a.ID
			if a.DuplicateOf != "" {
				id += "=dup(" + a.DuplicateOf + ")"
			}
			ids = append(ids, id)
		}
		slices.Sort(ids)
		out = append(out, strings.Join(ids, ","))
	}
	slices.Sort(out)
	return out
}

func TestIncrementalEqualsAllAtOnce(t *testing.T) {
	ctx := context.Background()
	arts := stream()

	whole, in := openTemp(t)
	if _, err := in.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}

	parts, _ := openTemp(t)
	for _, chunk := range [][]article.Article{arts[:2], arts[2:4], arts[4:]} {
		// A new Ingester for every chunk, as separate `storyline ingest`
		// runs would open: state comes back from the store alone.
		in, err := Open(ctx, parts, pipeline.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.Add(ctx, chunk); err != nil {
			t.Fatal(err)
		}
	}
	a, b := shape(t, whole), shape(t, parts)
	if !slices.Equal(a, b) {
		t.Errorf("incremental ingest differs from one ingest:\n all at once %q\n in parts    %q", a, b)
	}
	want := []string{"flood-a,flood-b", "g7-a,g7-b,g7-copy=dup(g7-a)"}
	if !slices.Equal(a, want) {
		t.Errorf("events %q, want %q", a, want)
	}
}

func TestAddIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st, in := openTemp(t)
	first, err := in.Add(ctx, stream())
	if err != nil {
		t.Fatal(err)
	}
	before := shape(t, st)
	again, err := in.Add(ctx, stream())
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range again {
		if !l.Repeat || l.Event != first[i].Event || l.Storyline != first[i].Storyline {
			t.Errorf("re-adding %s: %+v, first landed %+v", l.Article, l, first[i])
		}
	}
	if after := shape(t, st); !slices.Equal(before, after) {
		t.Errorf("re-adding changed the store: %q -> %q", before, after)
	}
	stats, _ := st.Stats(ctx)
	if stats.Articles != 5 || stats.Duplicates != 1 {
		t.Errorf("stats %+v, want 5 articles, 1 duplicate", stats)
	}
}

// failingStore refuses commits on demand: while fail is set, or the
// failAt-th commit from now (counting from 1).
type failingStore struct {
	store.Store
	fail    bool
	failAt  int
	commits int
}

func (f *failingStore) Commit(ctx context.Context, b store.Batch) error {
	f.commits++
	if f.fail || f.commits == f.failAt {
		return errors.New("disk full")
	}
	return f.Store.Commit(ctx, b)
}

func TestRefusedBatchLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	st, _ := openTemp(t)
	fs := &failingStore{Store: st}
	in, err := Open(ctx, fs, pipeline.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	arts := stream()
	if _, err := in.Add(ctx, arts[:2]); err != nil {
		t.Fatal(err)
	}
	fs.fail = true
	if _, err := in.Add(ctx, arts[2:4]); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("refused commit: error %v", err)
	}
	fs.fail = false
	addRestAsNew(t, in, st, arts, 2)
}

func TestLandingsNameEventAndStoryline(t *testing.T) {
	ctx := context.Background()
	st, in := openTemp(t)
	landings, err := in.Add(ctx, stream())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range landings {
		e, err := st.Event(ctx, l.Event)
		if err != nil {
			t.Fatalf("%s landed in %q: %v", l.Article, l.Event, err)
		}
		if e.Storyline != l.Storyline {
			t.Errorf("%s: landing says storyline %s, store %s", l.Article, l.Storyline, e.Storyline)
		}
		if !slices.ContainsFunc(e.Articles, func(a report.Article) bool { return a.ID == l.Article }) {
			t.Errorf("%s not among the articles of %s", l.Article, l.Event)
		}
	}
}

// addRestAsNew sends arts[from:] again after a refused batch: the refused
// articles were not kept in the pipeline either, so they must be placed as
// new, and the store end as one clean ingest of arts would leave it.
func addRestAsNew(t *testing.T, in *Ingester, st store.Store, arts []article.Article, from int) {
	t.Helper()
	ctx := context.Background()
	landings, err := in.Add(ctx, arts[from:])
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range landings {
		if l.Repeat {
			t.Errorf("%s counted as a repeat after its batch was refused", l.Article)
		}
	}
	clean, in2 := openTemp(t)
	if _, err := in2.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}
	if a, b := shape(t, st), shape(t, clean); !slices.Equal(a, b) {
		t.Errorf("after a refused batch: %q, clean run %q", a, b)
	}
}

// TestAddAllEqualsAdd checks that overlapping analysis, placement and
// commits changes nothing: the same landings and the same store as adding
// the batches one after the other.
func TestAddAllEqualsAdd(t *testing.T) {
	ctx := context.Background()
	arts := stream()
	for _, size := range []int{1, 2, 5} {
		seq, in := openTemp(t)
		var want []Landing
		for chunk := range slices.Chunk(arts, size) {
			l, err := in.Add(ctx, chunk)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, l...)
		}
		overlapped, in2 := openTemp(t)
		var got []Landing
		if err := in2.AddAll(ctx, slices.Chunk(arts, size), func(l []Landing) { got = append(got, l...) }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("batches of %d: AddAll landed\n%+v\nAdd landed\n%+v", size, got, want)
		}
		if a, b := shape(t, overlapped), shape(t, seq); !slices.Equal(a, b) {
			t.Errorf("batches of %d: AddAll stored %q, Add %q", size, a, b)
		}
	}
}

// TestAddAllRefusedCommit checks that when the store refuses a batch in the
// middle of AddAll, the batches before it stay stored, nothing after it is
// kept in memory, and adding the rest again gives what a clean run gives.
func TestAddAllRefusedCommit(t *testing.T) {
	ctx := context.Background()
	arts := stream()
	st, _ := openTemp(t)
	fs := &failingStore{Store: st, failAt: 2}
	in, err := Open(ctx, fs, pipeline.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	err = in.AddAll(ctx, slices.Chunk(arts, 2), func(l []Landing) { stored += len(l) })
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("AddAll with a refused commit: error %v", err)
	}
	if stats, _ := st.Stats(ctx); stored != 2 || stats.Articles != 2 {
		t.Fatalf("after the second commit was refused: %d reported stored, %d in the store; want the first batch's 2", stored, stats.Articles)
	}
	addRestAsNew(t, in, st, arts, 2)
}

// TestAddAllStopsCleanly checks that a cancelled AddAll commits what it
// placed and stops: the store and the placement state stay in step.
func TestAddAllStopsCleanly(t *testing.T) {
	arts := stream()
	st, in := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	batches := 0
	err := in.AddAll(ctx, slices.Chunk(arts, 1), func([]Landing) {
		if batches++; batches == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled AddAll: error %v", err)
	}
	stats, _ := st.Stats(context.Background())
	if stats.Articles < 2 || stats.Articles == len(arts) {
		t.Fatalf("cancelled after 2 batches: %d articles stored", stats.Articles)
	}
	// Adding everything again places only the rest, as one run would.
	landings, err := in.Add(context.Background(), arts)
	if err != nil {
		t.Fatal(err)
	}
	repeats := 0
	for _, l := range landings {
		if l.Repeat {
			repeats++
		}
	}
	clean, in2 := openTemp(t)
	if _, err := in2.Add(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	if repeats != stats.Articles {
		t.Errorf("%d repeats, want the %d stored before the stop", repeats, stats.Articles)
	}
	if a, b := shape(t, st), shape(t, clean); !slices.Equal(a, b) {
		t.Errorf("after a stop and a rerun: %q, clean run %q", a, b)
	}
}

// TestAddAllSettlesLongStorylines adds a storyline of many events one
// article at a time, so that batches report its head from an earlier count
// of events: once AddAll returns, the stored head must be the one that
// adding everything at once stores.
func TestAddAllSettlesLongStorylines(t *testing.T) {
	ctx := context.Background()
	var arts []article.Article
	topics := []string{"grain", "border", "pipeline", "fisheries", "railway", "visas", "tariffs", "drones", "museums", "vaccines"}
	for i := range 87 {
		n := strconv.Itoa(i)
		arts = append(arts, article.Article{
			ID: "t" + n, Source: "Wire", Date: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 30*i),
			Title: "Kovac and Firefly agree on " + topics[i%10] + " and " + topics[i/10] + " in round " + n,
			Text: "President Anna Kovac of Ruritania met Prime Minister Rufus Firefly of Freedonia in Strelsau.\n" +
				strings.Repeat("Delegates argued over clause q"+n+"x, annex v"+n+"k and protocol z"+n+"m. ", 3),
		})
	}
	heads := func(st store.Store) []report.Storyline {
		t.Helper()
		sums, err := st.Storylines(ctx, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var out []report.Storyline
		for _, sum := range sums {
			s, err := st.Storyline(ctx, sum.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	oneByOne, in := openTemp(t)
	if err := in.AddAll(ctx, slices.Chunk(arts, 1), nil); err != nil {
		t.Fatal(err)
	}
	atOnce, in2 := openTemp(t)
	if _, err := in2.Add(ctx, arts); err != nil {
		t.Fatal(err)
	}
	got, want := heads(oneByOne), heads(atOnce)
	if len(want) == 0 || len(want[0].Events) < 64 {
		t.Fatalf("stored storylines %+v: the test needs one of 64 events or more", want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("one article at a time stored\n%+v\nall at once\n%+v", got, want)
	}
}
