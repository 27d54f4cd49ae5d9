/** Container images of one Kubernetes version, as Talos' generator names them. */
export interface KubernetesImages {
  readonly kubelet: string;
  readonly apiServer: string;
  readonly controllerManager: string;
  readonly scheduler: string;
  readonly proxy: string;
}

/** Images for Kubernetes `1.33.4` / `v1.33.4`: Talos' kubelet build, upstream control plane. */
export function kubernetesImages(kubernetesVersion: string): KubernetesImages {
  const tag = kubernetesVersion.startsWith('v') ? kubernetesVersion : `v${kubernetesVersion}`;
  return {
    kubelet: `ghcr.io/siderolabs/kubelet:${tag}`,
    apiServer: `registry.k8s.io/kube-apiserver:${tag}`,
    controllerManager: `registry.k8s.io/kube-controller-manager:${tag}`,
    scheduler: `registry.k8s.io/kube-scheduler:${tag}`,
    proxy: `registry.k8s.io/kube-proxy:${tag}`,
  };
}
