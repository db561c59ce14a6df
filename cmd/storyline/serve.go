package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"storyline/internal/ingest"
	"storyline/internal/pipeline"
	"storyline/internal/queue"
	"storyline/internal/server"
	"storyline/internal/store"
)

// shutdownGrace is how long a stopping server lets requests in flight
// finish: long enough for a large POST to be placed and committed.
const shutdownGrace = 30 * time.Second

func serveCommand() *cobra.Command {
	var addr, natsURL, deployment string
	var readOnly bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the store over HTTP: a JSON API to add and query articles, and a web UI to read storylines",
		Long: `Serve the store over HTTP: a JSON API to add and query articles, a web UI
to read storylines, and Prometheus metrics on /metrics.

Without --nats, posted articles are placed in this process. With --nats,
they are queued for the deployment's workers and writer (storyline worker,
storyline cluster), the answer is 202 with tracking ids, and
GET /api/articles/{id}/status tells whether each is queued, placed or
rejected; the store is then only read.

Without --nats, serve is the store's writer: it takes the store's writer
lease at start, and ingest, watch or another serve on the same store are
refused while it runs. If another process holds the lease, serve starts
anyway, read-only: it answers reads, and POST /api/articles with 503 and
the holder's name, until it is restarted. --read-only never takes the
lease, so that serve can run beside a writer that comes and goes, such as
a cron ingest.`,
		Args: cobra.NoArgs,
	}
	db := dbFlag(cmd)
	config := configFlags(cmd)
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().StringVar(&natsURL, "nats", "", "queue posted articles on this NATS server (with JetStream) instead of placing them here")
	cmd.Flags().StringVar(&deployment, "deployment", "storyline", "with --nats, the deployment name: its streams and subjects on the NATS server")
	cmd.Flags().BoolVar(&readOnly, "read-only", false, "accept no articles (POST answers 503) and leave the store's writer lease to others")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := config()
		if err != nil {
			return err
		}
		ctx, stop := interruptible(cmd)
		defer stop()
		opts := server.Options{Logger: slog.Default()}
		var st store.Store
		var in *ingest.Ingester
		mode := "writer"
		if natsURL == "" {
			var release func()
			st, in, release, err = openServed(ctx, *db, cfg, readOnly, &opts)
			if err != nil {
				return err
			}
			defer release()
			if in == nil {
				mode = "read-only"
			}
		} else {
			mode = "queue"
			d, err := queue.ParseDeployment(deployment)
			if err != nil {
				return err
			}
			nc, js, err := queue.Connect(natsURL, "storyline serve")
			if err != nil {
				return err
			}
			defer nc.Close()
			if err := queue.Setup(ctx, js, d); err != nil {
				return err
			}
			client := queue.Client{JS: js, Deployment: d}
			opts.Queue = client
			opts.Collectors = []prometheus.Collector{queue.Collector{Client: client}}
			// The writer (storyline cluster) places; this process only reads.
			if st, err = store.Open(ctx, *db); err != nil {
				return err
			}
		}
		defer st.Close()
		// Listening before serving reports a taken port as an error of the
		// command, and gives the real address when the port was 0.
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		srv := &http.Server{
			Handler:           server.New(st, in, opts),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       time.Minute,
			// Placing a full batch of articles can take a while.
			WriteTimeout: 5 * time.Minute,
			IdleTimeout:  2 * time.Minute,
			ErrorLog:     slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		slog.Info("serving", "url", "http://"+ln.Addr().String()+"/", "db", *db, "nats", natsURL, "mode", mode)

		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}
		slog.Info("shutting down", "grace", shutdownGrace)
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return err
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
	return cmd
}

// openServed opens the store for serve without a queue. Unless readOnly,
// serve places posted articles itself, so it takes the store's writer lease
// first; if another process holds it, the store is opened for reading only
// and opts.ReadOnly refuses posted articles naming the holder. The server
// does not try the lease again later: a writer that changes from one
// request to the next would surprise whoever else writes the store, such as
// a cron ingest that runs every hour. release frees the lease, if taken.
func openServed(ctx context.Context, dsn string, cfg pipeline.Config, readOnly bool, opts *server.Options) (st store.Store, in *ingest.Ingester, release func(), err error) {
	noop := func() {}
	if readOnly {
		refusal := errors.New("this server was started with --read-only: it does not accept articles")
		opts.ReadOnly = func() error { return refusal }
		st, err = store.Open(ctx, dsn)
		return st, nil, noop, err
	}
	lease, err := store.TryLock(ctx, dsn, store.WriterLease, store.NewHolder("serve"))
	if locked, ok := errors.AsType[*store.LockedError](err); ok {
		slog.Warn("another process writes the store: serving read-only", "holder", locked.Holder.String())
		refusal := fmt.Errorf("%w; this server started beside it read-only, and accepts articles once restarted with the store free", locked)
		opts.ReadOnly = func() error { return refusal }
		st, err = store.Open(ctx, dsn)
		return st, nil, noop, err
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("taking the store's writer lease: %w", err)
	}
	testPause("lease")
	st, in, err = openIngester(ctx, dsn, cfg)
	if err != nil {
		lease.Release()
		return nil, nil, nil, err
	}
	// A lost lease may pass to another writer at once: from then on this
	// server must not commit.
	var lost atomic.Bool
	go func() {
		select {
		case <-lease.Lost():
			lost.Store(true)
			slog.Error("the store's writer lease was lost: refusing articles from now on")
		case <-ctx.Done():
		}
	}()
	opts.ReadOnly = func() error {
		if lost.Load() {
			return fmt.Errorf("%w; restart this server", errLeaseLost)
		}
		return nil
	}
	return st, in, func() { lease.Release() }, nil
}
