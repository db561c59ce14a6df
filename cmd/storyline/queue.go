package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"storyline/internal/queue"
)

// userAgent is sent with the workers' requests for pages and feeds.
const userAgent = "Storyline/1 (+https://github.com/storyline; feed reader)"

// queueFlags adds --nats and --deployment to a command and returns a
// function that connects to the deployment.
func queueFlags(cmd *cobra.Command) func(name string) (*nats.Conn, jetstream.JetStream, queue.Deployment, error) {
	natsURL := cmd.Flags().String("nats", nats.DefaultURL, "NATS server URL (with JetStream)")
	deployment := cmd.Flags().String("deployment", "storyline", "deployment name: its streams and subjects on the NATS server")
	return func(name string) (*nats.Conn, jetstream.JetStream, queue.Deployment, error) {
		d, err := queue.ParseDeployment(*deployment)
		if err != nil {
			return nil, nil, d, err
		}
		nc, js, err := queue.Connect(*natsURL, name)
		return nc, js, d, err
	}
}

func workerCommand() *cobra.Command {
	w := &queue.Worker{}
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Analyse queued jobs (articles, pages, feeds) and pass the articles to the writer",
		Long: `Take jobs from the deployment's work queue, read the articles they name
(fetching pages and feeds), analyse them on all cores, and publish the
analysed articles for the writer (storyline cluster). Run as many workers,
on as many machines, as the load needs. Stop with Ctrl-C.`,
		Args: cobra.NoArgs,
	}
	connect := queueFlags(cmd)
	cmd.Flags().IntVar(&w.Batch, "batch", 32, "jobs taken at a time")
	cmd.Flags().DurationVar(&w.AckWait, "ack-wait", time.Minute, "time after which the jobs of a silent worker go to another")
	cmd.Flags().IntVar(&w.MaxAttempts, "max-attempts", 5, "tries of a failing job before it is dead-lettered")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, stop := interruptible(cmd)
		defer stop()
		nc, js, d, err := connect("storyline worker")
		if err != nil {
			return err
		}
		defer nc.Drain()
		w.JS, w.Deployment, w.Log, w.UserAgent = js, d, slog.Default(), userAgent
		return w.Run(ctx)
	}
	return cmd
}

func clusterCommand() *cobra.Command {
	w := &queue.Writer{}
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Place the analysed articles of a deployment into the store: its one writer",
		Long: `Place the articles the workers analysed into events and storylines, in
stream order, and commit them to the store with the stream position reached.
One writer per deployment works at a time; start another as a standby: it
waits, and takes over when the first dies. A restarted writer resumes where
the store says. Stop with Ctrl-C.`,
		Args: cobra.NoArgs,
	}
	connect := queueFlags(cmd)
	db := dbFlag(cmd)
	config := configFlags(cmd)
	cmd.Flags().IntVar(&w.Batch, "batch", 500, "most articles placed and committed at a time")
	cmd.Flags().DurationVar(&w.Wait, "batch-wait", 200*time.Millisecond, "longest wait for a batch to fill")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		ctx, stop := interruptible(cmd)
		defer stop()
		nc, js, d, err := connect("storyline cluster")
		if err != nil {
			return err
		}
		defer nc.Drain()
		w.JS, w.Deployment, w.DSN, w.Config, w.Log = js, d, *db, cfg, slog.Default()
		var placed, batches int
		last := time.Now()
		w.Committed = func(pos int64, n int) {
			placed += n
			batches++
			if time.Since(last) >= 10*time.Second {
				slog.Info("writer progress", "position", pos, "placed", placed, "batches", batches)
				last = time.Now()
			}
		}
		return w.Run(ctx)
	}
	return cmd
}

func submitCommand() *cobra.Command {
	var feeds bool
	cmd := &cobra.Command{
		Use:   "submit PATH|URL...",
		Short: "Queue articles for the workers: files and directories, web pages, feeds",
		Long: `Queue jobs for the deployment's workers, in the order given. Files and
directories are read here, an article job per article; an http(s) URL is a
feed job when --feed is set or its path looks like a feed (.rss, .xml,
.atom, feed, rss), and a page job otherwise.`,
		Args: cobra.MinimumNArgs(1),
	}
	connect := queueFlags(cmd)
	cmd.Flags().BoolVar(&feeds, "feed", false, "take every URL for a feed")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var jobs []queue.Job
		var paths []string
		flush := func() {
			for _, a := range readArticles(paths) {
				jobs = append(jobs, queue.ArticleJob(a))
			}
			paths = nil
		}
		for _, arg := range args {
			if !strings.HasPrefix(arg, "http://") && !strings.HasPrefix(arg, "https://") {
				paths = append(paths, arg)
				continue
			}
			flush()
			kind := queue.KindPage
			if feeds || looksLikeFeed(arg) {
				kind = queue.KindFeed
			}
			jobs = append(jobs, queue.URLJob(kind, arg))
		}
		flush()
		if len(jobs) == 0 {
			return fmt.Errorf("nothing to submit in %s", strings.Join(args, ", "))
		}
		nc, js, d, err := connect("storyline submit")
		if err != nil {
			return err
		}
		defer nc.Close()
		if err := queue.Setup(cmd.Context(), js, d); err != nil {
			return err
		}
		if err := queue.Submit(cmd.Context(), js, d, jobs); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%d jobs queued on deployment %s\n", len(jobs), d.Name())
		return nil
	}
	return cmd
}

// looksLikeFeed tells a feed URL by its path.
func looksLikeFeed(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	p := strings.ToLower(strings.TrimSuffix(u.Path, "/"))
	switch path.Ext(p) {
	case ".rss", ".xml", ".atom":
		return true
	}
	base := path.Base(p)
	return base == "feed" || base == "rss" || base == "atom" || base == "feed.json"
}

func statusCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show a deployment's queue: jobs waiting, writer lag, redeliveries, dead letters",
		Args:  cobra.NoArgs,
	}
	connect := queueFlags(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		nc, js, d, err := connect("storyline status")
		if err != nil {
			return err
		}
		defer nc.Close()
		s, err := queue.ReadStatus(cmd.Context(), js, d)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(cmd.OutOrStdout(), s)
		}
		printStatus(cmd.OutOrStdout(), s)
		return nil
	}
	return cmd
}

func printStatus(w io.Writer, s queue.Status) {
	fmt.Fprintf(w, "deployment %s\n", s.Deployment)
	if !s.Workers.Exists {
		fmt.Fprintf(w, "  jobs      %d queued; no worker has started\n", s.Jobs.Messages)
	} else {
		fmt.Fprintf(w, "  jobs      %d queued (%d waiting, %d at work, %d redelivered), %d idle worker requests\n",
			s.Jobs.Messages, s.Workers.Pending, s.Workers.AckPending, s.Workers.Redelivered, s.Workers.Waiting)
	}
	if !s.Writer.Exists {
		fmt.Fprintf(w, "  articles  %d analysed; no writer has started\n", s.Articles.LastSeq)
	} else {
		fmt.Fprintf(w, "  articles  %d analysed, %d placed; writer lag %d\n", s.Articles.LastSeq, s.Writer.Position, s.Writer.Lag)
	}
	fmt.Fprintf(w, "  dead      %d dead letters\n", s.Dead.Messages)
}
