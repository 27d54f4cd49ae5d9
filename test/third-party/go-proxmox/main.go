// pve-go-client drives one machine through the Proxmox VE API the way the Cluster API provider
// for Proxmox (ionos-cloud/cluster-api-provider-proxmox, CAPMOX) does, with the client library it
// uses (github.com/luthermonson/go-proxmox, at CAPMOX's version), over HTTPS verified against a
// CA file. It prints one JSON object per step on stdout and exits non-zero at the first failure.
// Capstan's tests run it against the simulator: a client nobody here wrote is the judge of
// whether the simulator answers as PVE does.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	proxmox "github.com/luthermonson/go-proxmox"
)

type options struct {
	url, tokenID, caFile, node, templateTag, name, ip, gateway, diskSize string
	cores, memoryMiB                                                     int
	timeout                                                              time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "API base URL, https://host:port/api2/json")
	flag.StringVar(&o.tokenID, "token-id", "", "API token id USER@REALM!TOKENID (secret in PVE_TOKEN_SECRET)")
	flag.StringVar(&o.caFile, "ca-file", "", "PEM file of the CA that signed the server's certificate")
	flag.StringVar(&o.node, "node", "pve1", "node to clone on")
	flag.StringVar(&o.templateTag, "template-tag", "talos", "tag of the template to clone")
	flag.StringVar(&o.name, "name", "go-proxmox-vm", "name of the new VM")
	flag.StringVar(&o.ip, "ip", "", "static IPv4 address of the new VM, CIDR")
	flag.StringVar(&o.gateway, "gateway", "", "IPv4 gateway of the new VM")
	flag.StringVar(&o.diskSize, "disk-size", "20G", "absolute size of scsi0 after the resize")
	flag.IntVar(&o.cores, "cores", 2, "cores of the new VM")
	flag.IntVar(&o.memoryMiB, "memory", 4096, "memory of the new VM, MiB")
	flag.DurationVar(&o.timeout, "timeout", 2*time.Minute, "time for the whole run")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := run(ctx, o); err != nil {
		emit("error", map[string]any{"message": err.Error()})
		os.Exit(1)
	}
	emit("done", nil)
}

// emit prints one step as a JSON line: {"step": step, ...fields}.
func emit(step string, fields map[string]any) {
	line := map[string]any{"step": step}
	for key, value := range fields {
		line[key] = value
	}
	out, _ := json.Marshal(line)
	fmt.Println(string(out))
}

func newClient(o options) (*proxmox.Client, error) {
	pem, err := os.ReadFile(o.caFile)
	if err != nil {
		return nil, fmt.Errorf("reading the CA file: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, errors.New("the CA file holds no PEM certificate")
	}
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	return proxmox.NewClient(o.url,
		proxmox.WithHTTPClient(&http.Client{Transport: transport}),
		proxmox.WithAPIToken(o.tokenID, os.Getenv("PVE_TOKEN_SECRET")),
	), nil
}

// wait polls a task the way CAPMOX's task service does, and fails unless it ended OK.
func wait(ctx context.Context, what string, task *proxmox.Task) error {
	if task == nil {
		emit(what, map[string]any{"task": nil})
		return nil
	}
	if err := task.Wait(ctx, 50*time.Millisecond, time.Minute); err != nil {
		return fmt.Errorf("%s: waiting for %s: %w", what, task.UPID, err)
	}
	if !task.IsSuccessful {
		return fmt.Errorf("%s: task %s ended %q", what, task.UPID, task.ExitStatus)
	}
	emit(what, map[string]any{"upid": string(task.UPID), "type": task.Type, "node": task.Node, "user": task.User, "exitstatus": task.ExitStatus})
	return nil
}

func run(ctx context.Context, o options) error {
	client, err := newClient(o)
	if err != nil {
		return err
	}

	// CAPMOX's NewAPIClient: the version, once.
	version, err := client.Version(ctx)
	if err != nil {
		return fmt.Errorf("version: %w", err)
	}
	emit("version", map[string]any{"version": version.Version, "release": version.Release})

	// Every CAPMOX lookup starts with the cluster (GET /cluster/status).
	cluster, err := client.Cluster(ctx)
	if err != nil {
		return fmt.Errorf("cluster status: %w", err)
	}
	clusterNodes := []string{}
	for _, n := range cluster.Nodes {
		clusterNodes = append(clusterNodes, fmt.Sprintf("%s ip=%s online=%d local=%d", n.Name, n.IP, n.Online, n.Local))
	}
	emit("cluster", map[string]any{"name": cluster.Name, "quorate": cluster.Quorate, "version": cluster.Version, "nodes": clusterNodes})

	nodes, err := client.Nodes(ctx)
	if err != nil {
		return fmt.Errorf("nodes: %w", err)
	}
	names := []string{}
	for _, n := range nodes {
		names = append(names, n.Node+"="+n.Status)
	}
	emit("nodes", map[string]any{"nodes": names})

	// The scheduler: the node's memory, minus what its guests may use.
	node, err := client.Node(ctx, o.node)
	if err != nil {
		return fmt.Errorf("node %s: %w", o.node, err)
	}
	vms, err := node.VirtualMachines(ctx)
	if err != nil {
		return fmt.Errorf("VMs of %s: %w", o.node, err)
	}
	containers, err := node.Containers(ctx)
	if err != nil {
		return fmt.Errorf("containers of %s: %w", o.node, err)
	}
	emit("node", map[string]any{"name": node.Name, "memoryTotal": node.Memory.Total, "cpus": node.CPUInfo.CPUs, "vms": len(vms), "containers": len(containers)})

	// The template, found by its tags across the cluster.
	resources, err := cluster.Resources(ctx, "vm")
	if err != nil {
		return fmt.Errorf("cluster resources: %w", err)
	}
	templateID := 0
	for _, r := range resources {
		if r.Template == 1 && slices.Contains(strings.Split(r.Tags, ";"), o.templateTag) {
			templateID = int(r.VMID)
		}
	}
	if templateID == 0 {
		return fmt.Errorf("no template tagged %q among %d VMs", o.templateTag, len(resources))
	}
	emit("template", map[string]any{"vmid": templateID})

	newID, err := cluster.NextID(ctx)
	if err != nil {
		return fmt.Errorf("next id: %w", err)
	}
	free, err := cluster.CheckID(ctx, newID)
	if err != nil {
		return fmt.Errorf("check id %d: %w", newID, err)
	}
	emit("nextid", map[string]any{"vmid": newID, "free": free})

	// CAPMOX's CloneVM: the node, the template (status + config), then the clone.
	template, err := node.VirtualMachine(ctx, templateID)
	if err != nil {
		return fmt.Errorf("template %d: %w", templateID, err)
	}
	_, task, err := template.Clone(ctx, &proxmox.VirtualMachineCloneOptions{NewID: newID, Name: o.name, Full: 1, Description: "made by go-proxmox"})
	if err != nil {
		return fmt.Errorf("clone: %w", err)
	}
	if err := wait(ctx, "clone", task); err != nil {
		return err
	}
	freeAfterClone, err := cluster.CheckID(ctx, newID)
	if err != nil {
		return fmt.Errorf("check id %d after the clone: %w", newID, err)
	}

	vm, err := node.VirtualMachine(ctx, newID)
	if err != nil {
		return fmt.Errorf("new VM %d: %w", newID, err)
	}
	emit("cloned", map[string]any{"vmid": newID, "name": vm.Name, "status": vm.Status, "freeAfterClone": freeAfterClone, "smbios1": vm.VirtualMachineConfig.SMBios1, "net0": vm.VirtualMachineConfig.Net0})

	// Configure: only what differs from the template, in one POST.
	configure := []proxmox.VirtualMachineOption{
		{Name: "cores", Value: o.cores},
		{Name: "sockets", Value: 1},
		{Name: "memory", Value: o.memoryMiB},
		{Name: "description", Value: "configured by go-proxmox"},
		{Name: "net0", Value: "virtio,bridge=vmbr0"},
		{Name: "ipconfig0", Value: fmt.Sprintf("ip=%s,gw=%s", o.ip, o.gateway)},
	}
	task, err = vm.Config(ctx, configure...)
	if err != nil {
		return fmt.Errorf("configure: %w", err)
	}
	if err := wait(ctx, "configure", task); err != nil {
		return err
	}
	task, err = vm.AddTag(ctx, "ip_net0_"+strings.Split(o.ip, "/")[0])
	if err != nil {
		return fmt.Errorf("tag: %w", err)
	}
	if err := wait(ctx, "tag", task); err != nil {
		return err
	}

	// The disk, while the VM has never run.
	task, err = vm.ResizeDisk(ctx, "scsi0", o.diskSize)
	if err != nil {
		return fmt.Errorf("resize: %w", err)
	}
	if err := wait(ctx, "resize", task); err != nil {
		return err
	}

	vm, err = node.VirtualMachine(ctx, newID)
	if err != nil {
		return fmt.Errorf("VM %d after configuring: %w", newID, err)
	}
	c := vm.VirtualMachineConfig
	emit("configured", map[string]any{"cores": c.Cores, "sockets": c.Sockets, "memory": fmt.Sprint(c.Memory), "net0": c.Net0, "ipconfig0": c.IPConfig0, "scsi0": c.SCSI0, "tags": c.Tags, "description": c.Description})

	task, err = vm.Start(ctx)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if err := wait(ctx, "start", task); err != nil {
		return err
	}
	if err := vm.Ping(ctx); err != nil {
		return fmt.Errorf("status after start: %w", err)
	}
	emit("running", map[string]any{"status": vm.Status, "qmpstatus": vm.QMPStatus, "isRunning": vm.IsRunning()})

	// Readiness as CAPMOX checks it, then the addresses the guest reports.
	if err := vm.WaitForAgent(ctx, 30); err != nil {
		return fmt.Errorf("guest agent: %w", err)
	}
	ifaces, err := vm.AgentGetNetworkIFaces(ctx)
	if err != nil {
		return fmt.Errorf("guest interfaces: %w", err)
	}
	reported := []map[string]any{}
	for _, iface := range ifaces {
		addresses := []string{}
		for _, a := range iface.IPAddresses {
			addresses = append(addresses, fmt.Sprintf("%s/%d", a.IPAddress, a.Prefix))
		}
		reported = append(reported, map[string]any{"name": iface.Name, "mac": iface.HardwareAddress, "addresses": addresses})
	}
	emit("agent", map[string]any{"interfaces": reported})

	// CAPMOX's DeleteVM: the node, the id still taken, the VM, stop it if running, delete it.
	if _, err := client.Node(ctx, o.node); err != nil {
		return fmt.Errorf("node before delete: %w", err)
	}
	if free, err := cluster.CheckID(ctx, newID); err != nil || free {
		return fmt.Errorf("VM %d should still hold its id (free=%v, err=%v)", newID, free, err)
	}
	vm, err = node.VirtualMachine(ctx, newID)
	if err != nil {
		return fmt.Errorf("VM %d before delete: %w", newID, err)
	}
	if vm.IsRunning() {
		task, err = vm.Stop(ctx)
		if err != nil {
			return fmt.Errorf("stop: %w", err)
		}
		if err := wait(ctx, "stop", task); err != nil {
			return err
		}
	}
	if err := vm.Ping(ctx); err != nil {
		return fmt.Errorf("status after stop: %w", err)
	}
	emit("stopped", map[string]any{"status": vm.Status, "isStopped": vm.IsStopped()})
	task, err = vm.Delete(ctx)
	if err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if err := wait(ctx, "delete", task); err != nil {
		return err
	}
	free, err = cluster.CheckID(ctx, newID)
	if err != nil {
		return fmt.Errorf("check id %d after delete: %w", newID, err)
	}
	_, gone := node.VirtualMachine(ctx, newID)
	emit("deleted", map[string]any{"free": free, "lookup": fmt.Sprint(gone)})
	return nil
}
