package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"storyline/internal/ingest"
	"storyline/internal/pipeline"
	"storyline/internal/report"
	"storyline/internal/store"
)

// defaultDB is the embedded store used when --db is not given.
const defaultDB = "storyline.db"

// dbFlag adds --db to a command.
func dbFlag(cmd *cobra.Command) *string {
	return cmd.Flags().String("db", defaultDB, "store: a SQLite file path, or postgres://… for PostgreSQL")
}

// ingestBatch is how many articles are placed and committed at a time: large
// enough to amortise a transaction, small enough that an interrupted ingest
// loses little.
const ingestBatch = 500

func ingestCommand() *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Add articles (files, directories, feeds) to the store, extending its events and storylines",
		Long: `Add articles (files, directories, feeds) to the store, extending its events
and storylines.

Only one process at a time places articles into a store: ingest takes the
store's writer lease, and fails, naming the holder, if another ingest, a
watch, a serve that accepts articles or a queue writer holds it (--wait
waits for it instead). A path that does not exist makes ingest fail after
it has stored the articles of the others.`,
		Args: cobra.MinimumNArgs(1),
	}
	db := dbFlag(cmd)
	config := configFlags(cmd)
	wait := waitFlag(cmd)
	cmd.Flags().BoolVar(&quiet, "quiet", false, "no progress bar")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		ctx, stop := interruptible(cmd)
		defer stop()
		arts, missing := readInputs(args)
		if len(arts) == 0 {
			return noArticles(args, missing)
		}
		lease, err := takeWriterLease(ctx, *db, "ingest", *wait)
		if err != nil {
			return err
		}
		defer lease.Release()
		ctx, unwatch := whileHeld(ctx, lease)
		defer unwatch()
		testPause("lease")
		st, in, err := openIngester(ctx, *db, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		bar := newProgress(len(arts), quiet)
		var sum ingestSummary
		batches := 0
		err = in.AddAll(ctx, slices.Chunk(arts, ingestBatch), func(landings []ingest.Landing) {
			sum.count(landings)
			bar.add(len(landings))
			if batches++; batches == 1 {
				testPause("batch")
			}
		})
		if err != nil {
			bar.abort()
			stored := sum.Added + sum.Repeats
			if cause := context.Cause(ctx); errors.Is(cause, errLeaseLost) {
				return fmt.Errorf("ingest stopped after %d of %d articles were stored: %w", stored, len(arts), cause)
			}
			if ctx.Err() != nil {
				// What was placed is committed, so the same ingest run
				// again skips it and adds the rest.
				return fmt.Errorf("ingest interrupted after %d of %d articles were stored; run it again to add the rest: %w", stored, len(arts), err)
			}
			return fmt.Errorf("ingest (after %d of %d articles were stored): %w", stored, len(arts), err)
		}
		bar.wait()
		stats, err := st.Stats(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%d articles added (%d new events, %d duplicates), %d already stored; the store holds %d articles, %d events, %d storylines\n",
			sum.Added, sum.NewEvents, sum.Duplicates, sum.Repeats, stats.Articles, stats.Events, stats.Storylines)
		if missing != nil {
			return fmt.Errorf("%w (the articles of the other paths were stored)", missing)
		}
		return nil
	}
	return cmd
}

// ingestSummary counts what an ingest did.
type ingestSummary struct{ Added, Repeats, Duplicates, NewEvents int }

func (s *ingestSummary) count(landings []ingest.Landing) {
	for _, l := range landings {
		switch {
		case l.Repeat:
			s.Repeats++
		default:
			s.Added++
			if l.DuplicateOf != "" {
				s.Duplicates++
			}
			if l.NewEvent {
				s.NewEvents++
			}
		}
	}
}

// openIngester opens the store and rebuilds the placement state from it.
func openIngester(ctx context.Context, dsn string, cfg pipeline.Config) (store.Store, *ingest.Ingester, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	in, err := ingest.Open(ctx, st, cfg)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, in, nil
}

// progress is a progress bar on a terminal, and nothing elsewhere: logs and
// pipes get the final summary only.
type progress struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

func newProgress(total int, quiet bool) progress {
	if quiet || !isatty.IsTerminal(os.Stderr.Fd()) {
		return progress{}
	}
	p := mpb.New(mpb.WithOutput(os.Stderr), mpb.WithWidth(40))
	bar := p.AddBar(int64(total),
		mpb.PrependDecorators(decor.Name("ingest "), decor.CountersNoUnit("%d / %d")),
		mpb.AppendDecorators(decor.AverageSpeed(0, " %.0f art/s"), decor.Name("  ETA "), decor.AverageETA(decor.ET_STYLE_GO)),
	)
	return progress{p: p, bar: bar}
}

func (pr progress) add(n int) {
	if pr.bar != nil {
		pr.bar.EwmaIncrBy(n, time.Second)
	}
}

func (pr progress) abort() {
	if pr.bar != nil {
		pr.bar.Abort(false)
		pr.p.Wait()
	}
}

func (pr progress) wait() {
	if pr.p != nil {
		pr.p.Wait()
	}
}

// openStore opens the store for reading; a missing SQLite file is an error
// rather than a new empty store.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	if !strings.Contains(dsn, "://") {
		if _, err := os.Stat(dsn); err != nil {
			return nil, fmt.Errorf("no store at %s (run storyline ingest first): %w", dsn, err)
		}
	}
	return store.Open(ctx, dsn)
}

func eventsCommand() *cobra.Command {
	var asJSON bool
	var q store.EventQuery
	cmd := &cobra.Command{
		Use:   "events",
		Short: "List stored events, newest first",
		Args:  cobra.NoArgs,
	}
	db := dbFlag(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&q.From, "from", "", "first event date, YYYY-MM-DD")
	cmd.Flags().StringVar(&q.To, "to", "", "last event date, YYYY-MM-DD")
	cmd.Flags().StringVar(&q.Entity, "entity", "", "only events naming this person, place or organisation")
	cmd.Flags().StringVar(&q.Q, "q", "", "words the event's title, summary or headlines must contain")
	cmd.Flags().StringVar(&q.Storyline, "storyline", "", "only events of this storyline")
	cmd.Flags().IntVar(&q.Limit, "limit", store.DefaultLimit, "at most this many events")
	cmd.Flags().IntVar(&q.Offset, "offset", 0, "skip this many events")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		st, err := openStore(cmd.Context(), *db)
		if err != nil {
			return err
		}
		defer st.Close()
		events, err := st.Events(cmd.Context(), q)
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		if asJSON {
			return writeJSON(w, map[string]any{"events": events})
		}
		for _, e := range events {
			fmt.Fprintf(w, "%-8s %s  %-10s %3d art.  %s\n", e.ID, dateOrUndated(e.Date, e.DateSource), e.Storyline, len(e.Articles), e.Title)
		}
		return nil
	}
	return cmd
}

func storylinesCommand() *cobra.Command {
	var asJSON bool
	var page store.Page
	cmd := &cobra.Command{
		Use:   "storylines",
		Short: "List stored storylines, most recently active first",
		Args:  cobra.NoArgs,
	}
	db := dbFlag(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&page.Limit, "limit", store.DefaultLimit, "at most this many storylines")
	cmd.Flags().IntVar(&page.Offset, "offset", 0, "skip this many storylines")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		st, err := openStore(cmd.Context(), *db)
		if err != nil {
			return err
		}
		defer st.Close()
		list, err := st.Storylines(cmd.Context(), page)
		if err != nil {
			return err
		}
		w := cmd.OutOrStdout()
		if asJSON {
			return writeJSON(w, map[string]any{"storylines": list})
		}
		for _, s := range list {
			fmt.Fprintf(w, "%-8s %s → %s  %3d events %4d art.  %s\n", s.ID, dateOrUndated(s.First, ""), dateOrUndated(s.Last, ""), s.Events, s.Articles, s.Title)
		}
		return nil
	}
	return cmd
}

func showCommand() *cobra.Command {
	var asJSON, explain bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one stored event (e12) or storyline (s3) in full",
		Args:  cobra.ExactArgs(1),
	}
	db := dbFlag(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&explain, "explain", false, "say why each article joined its event")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id := args[0]
		isEvent := strings.HasPrefix(id, "e")
		if !isEvent && !strings.HasPrefix(id, "s") {
			return fmt.Errorf("%q: want an event id (e12) or a storyline id (s3)", id)
		}
		ctx := cmd.Context()
		st, err := openStore(ctx, *db)
		if err != nil {
			return err
		}
		defer st.Close()
		w := cmd.OutOrStdout()
		if isEvent {
			e, err := st.Event(ctx, id)
			if err != nil {
				return notStored(id, err)
			}
			if asJSON {
				return writeJSON(w, e)
			}
			printEvent(w, e, explain)
			return nil
		}
		s, err := st.Storyline(ctx, id)
		if err != nil {
			return notStored(id, err)
		}
		if asJSON {
			return writeJSON(w, s)
		}
		printResult(w, report.Result{Storylines: []report.Storyline{s}}, explain)
		return nil
	}
	return cmd
}

func timelineCommand() *cobra.Command {
	var asJSON bool
	var dates int
	cmd := &cobra.Command{
		Use:   "timeline STORYLINE_ID",
		Short: "Print a stored storyline's timeline: one line per dated event, in order",
		Args:  cobra.ExactArgs(1),
	}
	db := dbFlag(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&dates, "dates", 0, "show only the N most salient dates (0: every dated event)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		st, err := openStore(cmd.Context(), *db)
		if err != nil {
			return err
		}
		defer st.Close()
		s, err := st.Storyline(cmd.Context(), args[0])
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no storyline %s", args[0])
		} else if err != nil {
			return err
		}
		s.Timeline = pipeline.TopEntries(s.Timeline, dates)
		w := cmd.OutOrStdout()
		if asJSON {
			return writeJSON(w, map[string]any{"id": s.ID, "title": s.Title, "timeline": s.Timeline})
		}
		fmt.Fprintf(w, "%s: %s\n", s.ID, s.Title)
		for _, t := range s.Timeline {
			fmt.Fprintf(w, "  %s  %-8s %s\n", t.Date, t.Event, t.Title)
		}
		if left := len(s.Events) - len(s.Timeline); left > 0 {
			fmt.Fprintf(w, "  (%d more events, undated or less salient: storyline show %s)\n", left, s.ID)
		}
		return nil
	}
	return cmd
}

// notStored words a failed lookup of id for the command line: an id that is
// not stored is the user's mistake, not the store's, and needs no store
// jargon.
func notStored(id string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("nothing stored with id %s", id)
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
