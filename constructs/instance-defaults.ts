// What every EC2 instance of ours gets, whichever resource launches it.

/** IMDSv2 only, and a hop limit of 1 so containers behind a bridge cannot reach the instance's credentials. */
export const IMDSV2_ONLY = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
} as const;

/** Root volume settings shared by instances and launch templates. */
export function encryptedRoot(sizeGiB: number) {
  return { volumeType: "gp3", volumeSize: sizeGiB, encrypted: true, deleteOnTermination: true } as const;
}
