package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"storyline/internal/article"
	"storyline/internal/watch"
)

func watchCommand() *cobra.Command {
	var once bool
	wcfg := watch.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "watch FEED_URL...",
		Short: "Poll RSS/Atom/JSON feeds and add new items to the store as they appear",
		Long: `Poll RSS/Atom/JSON feeds and add new items to the store as they appear.

Each feed is polled every --interval with conditional requests (ETag,
Last-Modified); a failing feed backs off exponentially up to --max-backoff
while the others carry on. An item whose feed carries only a summary is read
from its web page. Stop with Ctrl-C; --once polls every feed once and exits.

watch takes the store's writer lease: it fails, naming the holder, if
another process places articles into the store (--wait waits instead).`,
		Args: cobra.MinimumNArgs(1),
	}
	db := dbFlag(cmd)
	config := configFlags(cmd)
	cmd.Flags().DurationVar(&wcfg.Interval, "interval", wcfg.Interval, "time between two polls of one feed")
	cmd.Flags().DurationVar(&wcfg.MaxBackoff, "max-backoff", wcfg.MaxBackoff, "longest wait after repeated errors")
	cmd.Flags().BoolVar(&wcfg.FetchPages, "fetch-pages", wcfg.FetchPages, "read an item's page when the feed has only a summary")
	cmd.Flags().BoolVar(&once, "once", false, "poll each feed once, add what is new, and exit")
	wait := waitFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, feeds []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		ctx, stop := interruptible(cmd)
		defer stop()
		lease, err := takeWriterLease(ctx, *db, "watch", *wait)
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
		wcfg.UserAgent = "Storyline/1 (+https://github.com/storyline; feed reader)"
		w := watch.New(wcfg, nil, slog.Default())
		out := cmd.OutOrStdout()
		sink := func(ctx context.Context, arts []article.Article) error {
			landings, err := in.Add(ctx, arts)
			if err != nil {
				return err
			}
			var sum ingestSummary
			sum.count(landings)
			fmt.Fprintf(out, "%s  %d new articles (%d new events, %d duplicates)\n", time.Now().Format(time.DateTime), sum.Added, sum.NewEvents, sum.Duplicates)
			return nil
		}
		if once {
			var errs []error
			for _, u := range feeds {
				arts, err := w.Poll(ctx, u)
				if err == nil && len(arts) > 0 {
					err = sink(ctx, arts)
				}
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", u, err))
				}
			}
			if cause := context.Cause(ctx); errors.Is(cause, errLeaseLost) {
				errs = append(errs, cause)
			}
			return errors.Join(errs...)
		}
		err = w.Run(ctx, feeds, sink)
		if cause := context.Cause(ctx); errors.Is(cause, errLeaseLost) {
			return cause
		}
		if errors.Is(err, context.Canceled) {
			return nil // stopped by the user
		}
		return err
	}
	return cmd
}
